/**
 * Theme tags with autocomplete (React Aria ComboBox): suggestions come from the inspection's
 * theme, the audit prompts and themes already used; Enter adds what is typed as a new theme.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import { ComboBox, Input, Label, ListBox, ListBoxItem, Popover } from 'react-aria-components';

interface ThemeTagsProps {
  label?: string;
  themes: readonly string[];
  suggestions: readonly string[];
  onChange: (themes: string[]) => void;
}

export function ThemeTags({ label = 'Themes', themes, suggestions, onChange }: ThemeTagsProps) {
  const [text, setText] = useState('');
  const hintId = useId();
  const add = (theme: string) => {
    const clean = theme.trim().slice(0, 120);
    if (clean && !themes.includes(clean)) onChange([...themes, clean]);
    setText('');
  };
  const remove = (theme: string) => onChange(themes.filter((t) => t !== theme));
  const lower = text.trim().toLowerCase();
  const items = suggestions
    .filter((s) => !themes.includes(s) && (lower === '' || s.toLowerCase().includes(lower)))
    .slice(0, 12)
    .map((s) => ({ id: s, name: s }));
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // With an option highlighted, the combobox commits it; otherwise Enter adds the typed text.
    if (event.key === 'Enter' && !event.currentTarget.getAttribute('aria-activedescendant') && text.trim()) {
      event.preventDefault();
      add(text);
    } else if (event.key === 'Backspace' && text === '' && themes.length > 0) {
      remove(themes[themes.length - 1] as string);
    }
  };
  return (
    <div className="field theme-tags">
      <ComboBox
        aria-describedby={hintId}
        inputValue={text}
        onInputChange={setText}
        selectedKey={null}
        onSelectionChange={(key) => key !== null && add(String(key))}
        items={items}
        allowsCustomValue
        allowsEmptyCollection={false}
      >
        <Label>{label}</Label>
        <span id={hintId} className="field-hint">
          Type to find a theme; Enter adds it.
        </span>
        {themes.length > 0 && (
          <ul className="theme-tag-list" aria-label={`Chosen ${label.toLowerCase()}`}>
            {themes.map((theme) => (
              <li key={theme} className="theme-tag">
                {theme}
                <button type="button" className="theme-tag-remove" onClick={() => remove(theme)} aria-label={`Remove ${theme}`}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <Input onKeyDown={onKeyDown} />
        <Popover className="combo-popover" placement="bottom start">
          <ListBox className="combo-list">
            {(item: { id: string; name: string }) => (
              <ListBoxItem className="combo-option" textValue={item.name}>
                {item.name}
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </ComboBox>
    </div>
  );
}
