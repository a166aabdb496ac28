/** A search snippet: plain text pieces, matches wrapped in <mark>. No HTML from the store is ever parsed. */
export function Snippet({ pieces }: { pieces: readonly { text: string; match: boolean }[] }) {
  return (
    <>
      {pieces.map((piece, index) =>
        piece.match ? <mark key={index}>{piece.text}</mark> : <span key={index}>{piece.text}</span>,
      )}
    </>
  );
}
