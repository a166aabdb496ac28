/** Renders the letter model as a Word document (the npm `docx` package), marked OFFICIAL-SENSITIVE and DRAFT. */
import { AlignmentType, Document, Footer, Header, HeadingLevel, Packer, PageNumber, Paragraph, TextRun } from 'docx';
import type { LetterModel } from '../../shared/outputs/letter-model.js';

const MARKING = 'OFFICIAL-SENSITIVE — DRAFT';

function marking(): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: MARKING, bold: true, size: 20 })] });
}

export async function renderLetterDocx(letter: LetterModel): Promise<Buffer> {
  const body: Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(letter.title)] }),
    ...letter.facts.map(
      (fact) => new Paragraph({ children: [new TextRun({ text: `${fact.label}: `, bold: true }), new TextRun(fact.value)] }),
    ),
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun('Summary')] }),
    ...letter.summary.split(/\n{2,}/).map((text) => new Paragraph({ children: [new TextRun(text.replace(/\n/g, ' '))] })),
  ];
  for (const section of letter.sections) {
    body.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(section.heading)] }));
    if (section.groups.length === 0) {
      body.push(new Paragraph({ children: [new TextRun({ text: 'No agreed findings in this section yet.', italics: true })] }));
    }
    for (const group of section.groups) {
      body.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(group.heading)] }));
      for (const statement of group.statements) {
        body.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(statement)] }));
      }
    }
  }
  const document = new Document({
    creator: 'Fieldwork',
    title: letter.title,
    description: 'Draft inspection letter built from agreed findings',
    styles: { default: { document: { run: { font: 'Arial', size: 24 }, paragraph: { spacing: { after: 120 } } } } },
    sections: [
      {
        headers: { default: new Header({ children: [marking()] }) },
        footers: {
          default: new Footer({
            children: [
              marking(),
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: ['Page ', PageNumber.CURRENT] })],
              }),
            ],
          }),
        },
        children: body,
      },
    ],
  });
  return Packer.toBuffer(document);
}
