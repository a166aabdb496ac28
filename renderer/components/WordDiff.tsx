/**
 * One version of a text with the words that differ from another version marked. Marks are
 * <del>/<ins> with strike-through or underline (not colour alone) and hidden words for screen
 * readers, because assistive technology does not announce <del>/<ins> by default.
 */
import { useMemo } from 'react';
import { wordDiff, type DiffSegment } from '../../shared/text/word-diff.js';

interface WordDiffProps {
  /** The version shown. */
  readonly text: string;
  /** The version it is compared with; null shows the text plainly. */
  readonly against: string | null;
  /** The other version is older: mark this text's own words as added rather than removed. */
  readonly isLater: boolean;
}

function Marked({ segment }: { segment: DiffSegment }) {
  switch (segment.kind) {
    case 'same':
      return <>{segment.text}</>;
    case 'added':
      return (
        <ins className="diff-added">
          <span className="visually-hidden">[added: </span>
          {segment.text}
          <span className="visually-hidden">]</span>
        </ins>
      );
    case 'removed':
      return (
        <del className="diff-removed">
          <span className="visually-hidden">[not in the other version: </span>
          {segment.text}
          <span className="visually-hidden">]</span>
        </del>
      );
    default:
      return null;
  }
}

export function WordDiff({ text, against, isLater }: WordDiffProps) {
  const segments = useMemo(() => {
    if (against === null) return [{ kind: 'same', text } as DiffSegment];
    // Each side shows its own words: the earlier side keeps same+removed, the later same+added.
    const diff = isLater ? wordDiff(against, text) : wordDiff(text, against);
    return diff.filter((s) => s.kind !== (isLater ? 'removed' : 'added'));
  }, [text, against, isLater]);
  return (
    <p className="word-diff">
      {segments.map((segment, index) => (
        <Marked key={index} segment={segment} />
      ))}
    </p>
  );
}
