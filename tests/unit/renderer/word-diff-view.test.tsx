import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { WordDiff } from '../../../renderer/components/WordDiff.js';
import { currentEntry, useBundleImports } from '../../../renderer/state/bundle-imports.js';

afterEach(() => cleanup());

describe('WordDiff view', () => {
  it('marks the earlier version’s own words as struck out, with words a screen reader reads', () => {
    const { container } = render(
      <WordDiff text="Meetings were held monthly." against="Meetings were held weekly." isLater={false} />,
    );
    const removed = container.querySelectorAll('del');
    expect(removed).toHaveLength(1);
    expect(removed[0]?.textContent).toBe('[not in the other version: monthly]');
    expect(container.querySelector('ins')).toBeNull();
    expect(container.textContent?.replace(/\[not in the other version: |\]/g, '')).toBe('Meetings were held monthly.');
  });

  it('marks the later version’s own words as added', () => {
    const { container } = render(<WordDiff text="Meetings were held weekly." against="Meetings were held monthly." isLater />);
    expect([...container.querySelectorAll('ins')].map((n) => n.textContent)).toEqual(['[added: weekly]']);
    expect(container.querySelector('del')).toBeNull();
  });

  it('shows the text plainly when there is nothing to compare with', () => {
    const { container } = render(<WordDiff text="Only one version." against={null} isLater={false} />);
    expect(container.textContent).toBe('Only one version.');
    expect(container.querySelectorAll('ins, del')).toHaveLength(0);
  });
});

describe('bundle import queue', () => {
  it('works on files in the order they were added and waits on a question before later files', () => {
    const file = (name: string) => new File(['x'], name);
    useBundleImports.getState().filesAdded([file('a.fwbundle'), file('b.fwbundle')], null);
    const [a, b] = useBundleImports.getState().entries;
    expect(currentEntry(useBundleImports.getState().entries)?.id).toBe(a?.id);
    useBundleImports.getState().entryUpdated(a!.id, { stage: 'needs_confirmation' });
    expect(currentEntry(useBundleImports.getState().entries)?.id).toBe(a?.id);
    useBundleImports.getState().entryUpdated(a!.id, { stage: 'skipped' });
    expect(currentEntry(useBundleImports.getState().entries)?.id).toBe(b?.id);
    useBundleImports.getState().finishedCleared();
    expect(useBundleImports.getState().entries.map((e) => e.file.name)).toEqual(['b.fwbundle']);
  });
});
