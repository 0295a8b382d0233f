import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import bidiFactory from "bidi-js";
import LineBreaker from "linebreak";

/**
 * Text for pdfkit in every script the families write: Latin, Cyrillic, Greek, Arabic (Persian
 * too) and Ethiopic, with the Noto Sans fonts from the npm registry (`@fontsource/*`, the WOFF
 * files: fontkit fails on some WOFF2 glyphs). pdfkit shapes a run of text with fontkit (Arabic
 * joining, ligatures) but neither picks a font per script nor orders mixed directions, so this
 * module does: each character gets the first font whose subset covers it (neutral characters stay
 * with their neighbours), lines are broken where Unicode allows (`linebreak`, UAX #14), and each
 * line is put in display order by the Unicode bidirectional algorithm (`bidi-js`, UAX #9), run by
 * run, aligned to the paragraph's start (the right edge in Arabic and Persian).
 */

const require = createRequire(import.meta.url);
const bidi = bidiFactory();

export type Weight = "regular" | "bold";
const WEIGHT_NUMBER: Record<Weight, number> = { regular: 400, bold: 700 };

interface Subset {
  id: string;
  pkg: string;
  subset: string;
  file: (weight: number) => string;
}

// In order of preference for a character several subsets cover.
const SUBSETS: Subset[] = [
  ...["latin", "latin-ext", "cyrillic", "cyrillic-ext", "greek", "greek-ext", "vietnamese"].map((subset) => ({
    id: subset,
    pkg: "@fontsource/noto-sans",
    subset,
    file: (w: number) => `noto-sans-${subset}-${w}-normal.woff`,
  })),
  { id: "arabic", pkg: "@fontsource/noto-sans-arabic", subset: "arabic", file: (w) => `noto-sans-arabic-arabic-${w}-normal.woff` },
  { id: "ethiopic", pkg: "@fontsource/noto-sans-ethiopic", subset: "ethiopic", file: (w) => `noto-sans-ethiopic-ethiopic-${w}-normal.woff` },
];

interface Face {
  /** The name the font is registered under in a document: `${subset}-${weight}`. */
  name: string;
  path: string;
  ranges: Array<[number, number]>;
}

let facesByWeight: Record<Weight, Face[]> | null = null;
/** The fonts and the code points each covers, read once per process (from the packages' unicode.json). */
function faces(): Record<Weight, Face[]> {
  if (facesByWeight) return facesByWeight;
  const made = { regular: [] as Face[], bold: [] as Face[] };
  for (const subset of SUBSETS) {
    const unicode = JSON.parse(readFileSync(require.resolve(`${subset.pkg}/unicode.json`), "utf8")) as Record<string, string>;
    const ranges = parseRanges(unicode[subset.subset] ?? "");
    for (const weight of ["regular", "bold"] as const) {
      made[weight].push({ name: `${subset.id}-${weight}`, path: require.resolve(`${subset.pkg}/files/${subset.file(WEIGHT_NUMBER[weight])}`), ranges });
    }
  }
  facesByWeight = made;
  return made;
}

function parseRanges(spec: string): Array<[number, number]> {
  return spec
    .split(",")
    .filter(Boolean)
    .map((part) => {
      const [from, to] = part.replace("U+", "").split("-");
      const start = parseInt(from!, 16);
      return [start, to ? parseInt(to, 16) : start] as [number, number];
    });
}

const covers = (face: Face, codePoint: number) => face.ranges.some(([from, to]) => codePoint >= from && codePoint <= to);

// Direction marks and isolates steer the bidirectional algorithm, and word joiners (in a time
// range, see formatTimeRange) only keep a line together: none of them is drawn.
const NOT_DRAWN = /[\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069]/g;
const LETTER = /\p{L}/u;
const ARABIC_SCRIPT = /\p{Script=Arabic}/u;
const SPACE = /\s/;

export interface ParagraphOptions {
  size: number;
  weight?: Weight;
  color?: string;
  /** Extra distance from the paragraph's start edge (left, or right in a right-to-left paragraph). */
  indent?: number;
  /**
   * `"document"`: the document's direction (texts we compose: labels, names in sentences);
   * `"auto"`: from the text's first strong character (what people wrote: the pupil's text, comments).
   */
  direction?: "document" | "auto";
  spaceAfter?: number;
}

/** Writes paragraphs onto a pdfkit document in any script, breaking lines and pages. */
export class PdfTextWriter {
  private readonly doc: PDFKit.PDFDocument;
  private readonly direction: "ltr" | "rtl";

  constructor(doc: PDFKit.PDFDocument, direction: "ltr" | "rtl") {
    this.doc = doc;
    this.direction = direction;
    for (const face of [...faces().regular, ...faces().bold]) doc.registerFont(face.name, face.path);
  }

  get y(): number {
    return this.doc.y;
  }

  /** Starts a new page unless `height` points still fit on this one. */
  keepSpace(height: number): void {
    if (this.doc.y + height > this.doc.page.height - this.doc.page.margins.bottom) this.doc.addPage();
  }

  /** The x where a block of `width` starts on the document's start side (for drawings). */
  startX(width: number): number {
    const { margins } = this.doc.page;
    return this.direction === "rtl" ? this.doc.page.width - margins.right - width : margins.left;
  }

  moveDown(points: number): void {
    this.doc.y += points;
  }

  paragraph(text: string, options: ParagraphOptions): void {
    for (const line of text.split("\n")) this.layoutParagraph(line, options);
    this.doc.y += options.spaceAfter ?? 0;
  }

  private layoutParagraph(raw: string, options: ParagraphOptions): void {
    const { size } = options;
    const weight = options.weight ?? "regular";
    const lineHeight = size * 1.45;
    const text = raw.replace(/\t/g, " ");
    if (text.trim() === "") {
      this.doc.y += lineHeight;
      return;
    }
    const levels = bidi.getEmbeddingLevels(text, options.direction === "auto" ? undefined : this.direction);
    const rtl = (levels.paragraphs[0]?.level ?? 0) % 2 === 1;
    const { margins } = this.doc.page;
    const indent = options.indent ?? 0;
    const left = margins.left + (rtl ? 0 : indent);
    const right = this.doc.page.width - margins.right - (rtl ? indent : 0);
    const faceOf = this.assignFaces(text, weight);

    const breaks: number[] = [];
    const breaker = new LineBreaker(text);
    for (let next = breaker.nextBreak(); next; next = breaker.nextBreak()) breaks.push(next.position);

    let start = 0;
    while (start < text.length) {
      const lineWidth = right - left;
      let end = -1;
      let overflow = -1;
      for (const position of breaks) {
        if (position <= start) continue;
        if (this.width(text, faceOf, start, trimEnd(text, position), size) <= lineWidth) end = position;
        else {
          overflow = position;
          break;
        }
      }
      // A word longer than a whole line is cut where the line is full (as pdfkit does), here or,
      // when nothing fits before it, from the line's start; at least one character per line.
      const wordStart = end === -1 ? start : end;
      if (end === -1 || (overflow !== -1 && this.width(text, faceOf, wordStart, trimEnd(text, overflow), size) > lineWidth)) {
        end = Math.max(wordStart, start + 1);
        while (end < text.length && this.width(text, faceOf, start, end + 1, size) <= lineWidth) end++;
        if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end]!)) end--;
      }
      this.keepSpace(lineHeight);
      const top = this.doc.y;
      this.drawLine(text, levels, faceOf, start, trimEnd(text, end), { size, color: options.color ?? "#000000", rtl, left, right });
      // pdfkit moves its cursor as it draws; the next line starts one line below this one's top.
      this.doc.x = margins.left;
      this.doc.y = top + lineHeight;
      start = end;
      while (start < text.length && SPACE.test(text[start]!)) start++;
    }
  }

  /** The font of each UTF-16 unit: letters by coverage, the rest with their neighbours. */
  private assignFaces(text: string, weight: Weight): Face[] {
    const available = faces()[weight];
    const first = (codePoint: number) => available.find((face) => covers(face, codePoint)) ?? available[0]!;
    const result: Array<Face | null> = new Array(text.length).fill(null);
    for (let i = 0; i < text.length; i++) {
      const codePoint = text.codePointAt(i)!;
      const width = codePoint > 0xffff ? 2 : 1;
      if (LETTER.test(String.fromCodePoint(codePoint))) {
        result[i] = first(codePoint);
        if (width === 2) result[i + 1] = result[i]!;
      }
      i += width - 1;
    }
    for (let i = 0; i < text.length; i++) {
      if (result[i]) continue;
      const codePoint = text.codePointAt(i)!;
      const before = i > 0 ? result[i - 1] : null;
      const after = result.slice(i + 1).find((face) => face !== null) ?? null;
      result[i] = before && covers(before, codePoint) ? before : after && covers(after, codePoint) ? after : first(codePoint);
    }
    return result as Face[];
  }

  private runWidth(face: Face, value: string, size: number): number {
    const visible = value.replace(NOT_DRAWN, "");
    return visible ? this.doc.font(face.name).fontSize(size).widthOfString(visible) : 0;
  }

  /** The width of text[start, end) as drawn, run by run of one font. */
  private width(text: string, faceOf: Face[], start: number, end: number, size: number): number {
    let total = 0;
    let runStart = start;
    for (let i = start + 1; i <= end; i++) {
      if (i === end || faceOf[i] !== faceOf[runStart]) {
        total += this.runWidth(faceOf[runStart]!, text.slice(runStart, i), size);
        runStart = i;
      }
    }
    return total;
  }

  private drawLine(
    text: string,
    levels: ReturnType<typeof bidi.getEmbeddingLevels>,
    faceOf: Face[],
    start: number,
    end: number,
    line: { size: number; color: string; rtl: boolean; left: number; right: number },
  ): void {
    if (end <= start) return;
    // Display order of the line's characters (logical indices), by the bidirectional algorithm.
    const order = Array.from({ length: text.length }, (_, i) => i);
    for (const [from, to] of bidi.getReorderSegments(text, levels, start, end - 1) as Array<[number, number]>) {
      const reversed = order.slice(from, to + 1).reverse();
      order.splice(from, reversed.length, ...reversed);
    }
    const visual = order.slice(start, end);
    const mirrored = bidi.getMirroredCharactersMap(text, levels.levels, start, end - 1);
    const charAt = (i: number) => mirrored.get(i) ?? text[i]!;

    // Runs of one font and one direction whose characters follow each other in the text.
    const runs: Array<{ face: Face; value: string }> = [];
    let current: number[] = [];
    const flush = () => {
      if (current.length === 0) return;
      const odd = levels.levels[current[0]!]! % 2 === 1;
      const logical = [...current].sort((a, b) => a - b);
      const value = logical.map(charAt).join("");
      // fontkit turns a run of Arabic script right to left by itself (letters, and digits such as
      // Persian ۲۰, which must read left to right); every other run is drawn as given. So a run
      // is handed over reversed exactly when its direction and fontkit's disagree.
      const turnedByFontkit = ARABIC_SCRIPT.test(value);
      const drawn = odd !== turnedByFontkit ? [...value].reverse().join("") : value;
      runs.push({ face: faceOf[current[0]!]!, value: drawn });
      current = [];
    };
    for (const index of visual) {
      const previous = current.at(-1);
      const step = previous === undefined ? 0 : index - previous;
      const odd = levels.levels[index]! % 2 === 1;
      const continues =
        previous !== undefined && faceOf[index] === faceOf[previous] && levels.levels[index] === levels.levels[previous] && step === (odd ? -1 : 1);
      if (!continues) flush();
      current.push(index);
    }
    flush();

    const widths = runs.map((run) => this.runWidth(run.face, run.value, line.size));
    const total = widths.reduce((a, b) => a + b, 0);
    let x = line.rtl ? line.right - total : line.left;
    const baseline = this.doc.y + line.size * 1.1;
    runs.forEach((run, i) => {
      const visible = run.value.replace(NOT_DRAWN, "");
      if (visible) {
        this.doc.font(run.face.name).fontSize(line.size).fillColor(line.color).text(visible, x, baseline, { lineBreak: false, baseline: "alphabetic" });
      }
      x += widths[i]!;
    });
  }
}

function trimEnd(text: string, position: number): number {
  let end = position;
  while (end > 0 && SPACE.test(text[end - 1]!)) end--;
  return end;
}
