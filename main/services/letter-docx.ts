/**
 * Renders the letter model as a Word document (the npm `docx` package), marked
 * OFFICIAL-SENSITIVE and DRAFT (or INTERNAL for the evidence appendix). Parts in the model's
 * order; every heading keeps with the next paragraph (and its own lines together), so no
 * heading is stranded at the foot of a page. The model's text is already cleaned of control
 * and non-characters (letter-model.ts).
 */
import { AlignmentType, Document, Footer, Header, HeadingLevel, Packer, PageNumber, Paragraph, TextRun } from 'docx';
import { HEADLINE_HEADING, NEXT_STEPS_HEADING, NO_FINDINGS, type LetterModel } from '../../shared/outputs/letter-model.js';

function marking(text: string): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text, bold: true, size: 20 })] });
}

const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) =>
  new Paragraph({ heading: level, keepNext: true, keepLines: true, children: [new TextRun(text)] });

const para = (text: string, options: { keepNext?: boolean; italics?: boolean } = {}) =>
  new Paragraph({
    ...(options.keepNext ? { keepNext: true } : {}),
    children: [new TextRun({ text, ...(options.italics ? { italics: true } : {}) })],
  });

export async function renderLetterDocx(letter: LetterModel): Promise<Buffer> {
  const body: Paragraph[] = [
    ...letter.addressees.map((line) => para(line, { keepNext: true })),
    new Paragraph({ spacing: { before: 240 }, children: [new TextRun(letter.date)] }),
    ...(letter.salutation ? [para(letter.salutation)] : []),
    new Paragraph({ heading: HeadingLevel.TITLE, keepNext: true, children: [new TextRun(letter.title)] }),
    ...letter.introduction.map((text) => para(text)),
    heading(HEADLINE_HEADING, HeadingLevel.HEADING_1),
    ...letter.summary.split(/\n{2,}/).map((text) => para(text.replace(/\n/g, ' '))),
  ];
  for (const section of letter.sections) {
    body.push(heading(section.heading, HeadingLevel.HEADING_1));
    if (section.groups.length === 0) body.push(para(NO_FINDINGS, { italics: true }));
    for (const group of section.groups) {
      if (group.heading) body.push(heading(group.heading, HeadingLevel.HEADING_2));
      for (const statement of group.statements) {
        body.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(statement.text)] }));
        for (const note of statement.evidence ?? []) {
          body.push(new Paragraph({ bullet: { level: 1 }, children: [new TextRun({ text: note, size: 20 })] }));
        }
      }
    }
  }
  body.push(heading(NEXT_STEPS_HEADING, HeadingLevel.HEADING_1));
  body.push(...letter.nextSteps.map((text) => para(text)));
  const [first, ...rest] = letter.signOff;
  if (first) body.push(new Paragraph({ spacing: { before: 240 }, keepNext: true, children: [new TextRun(first)] }));
  rest.forEach((line, index) => body.push(para(line, { keepNext: index < rest.length - 1 })));
  if (letter.version) body.push(para(`Letter version ${letter.version}`, { italics: true }));

  const document = new Document({
    creator: 'Fieldwork',
    title: letter.title,
    description:
      letter.variant === 'evidence-appendix'
        ? 'Internal evidence appendix: the notes behind each agreed finding. Not for the area.'
        : 'Draft inspection letter built from agreed findings',
    // As inspectorates' letters look: one typeface, black bold headings a little larger than
    // the text, space above each heading (not the word processor's 28pt blue title).
    styles: {
      default: {
        document: { run: { font: 'Arial', size: 24 }, paragraph: { spacing: { after: 120 } } },
        title: {
          run: { font: 'Arial', size: 32, bold: true, color: '000000' },
          paragraph: { spacing: { before: 360, after: 240 } },
        },
        heading1: {
          run: { font: 'Arial', size: 28, bold: true, color: '000000' },
          paragraph: { spacing: { before: 360, after: 120 } },
        },
        heading2: {
          run: { font: 'Arial', size: 24, bold: true, color: '000000' },
          paragraph: { spacing: { before: 240, after: 80 } },
        },
      },
    },
    sections: [
      {
        headers: { default: new Header({ children: [marking(letter.marking)] }) },
        footers: {
          default: new Footer({
            children: [
              marking(letter.marking),
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
