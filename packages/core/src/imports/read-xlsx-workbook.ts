/**
 * The few facts read from a workbook's small XML parts before its sheet is streamed: where the
 * workbook part is, its first worksheet, its shared strings and styles, and its date system.
 * These parts are small and machine-written; attributes are read with regular expressions.
 */

export interface Relationship {
  readonly id: string;
  /** Last segment of the relationship type URI: `officeDocument`, `worksheet`, `sharedStrings`, `styles`… */
  readonly type: string;
  /** Zip entry name the target resolves to (no leading slash). */
  readonly target: string;
}

export interface WorkbookSheet {
  readonly name: string;
  readonly relationshipId: string;
}

/** `<Relationship Id=… Type=… Target=…/>` elements, targets resolved against the part's folder. */
export function parseRelationships(xml: string, partName: string): Relationship[] {
  const folder = partName.includes('/') ? partName.slice(0, partName.lastIndexOf('/') + 1) : '';
  // `xl/_rels/workbook.xml.rels` describes `xl/workbook.xml`: its targets are relative to `xl/`.
  const base = folder.endsWith('_rels/') ? folder.slice(0, -'_rels/'.length) : folder;
  const out: Relationship[] = [];
  for (const match of xml.matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
    const attributes = parseAttributes(match[1]!);
    const id = attributes.get('Id');
    const type = attributes.get('Type');
    const target = attributes.get('Target');
    if (
      id === undefined ||
      type === undefined ||
      target === undefined ||
      attributes.get('TargetMode') === 'External'
    ) {
      continue;
    }
    out.push({ id, type: type.slice(type.lastIndexOf('/') + 1), target: resolvePartName(base, target) });
  }
  return out;
}

/** The sheets in workbook order, and whether dates count from 1904. */
export function parseWorkbook(xml: string): { sheets: WorkbookSheet[]; date1904: boolean } {
  const sheets: WorkbookSheet[] = [];
  for (const match of xml.matchAll(/<(?:\w+:)?sheet\s([^>]*)>/g)) {
    const attributes = parseAttributes(match[1]!);
    const relationshipId = [...attributes].find(([key]) => key.endsWith(':id'))?.[1];
    if (relationshipId !== undefined) {
      sheets.push({ name: attributes.get('name') ?? '', relationshipId });
    }
  }
  const properties = /<(?:\w+:)?workbookPr\b([^>]*)>/.exec(xml);
  const date1904 =
    properties !== null && /^(?:1|true)$/.test(parseAttributes(properties[1]!).get('date1904') ?? '');
  return { sheets, date1904 };
}

function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of text.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes.set(match[1]!, decodeXml(match[2] ?? match[3] ?? ''));
  }
  return attributes;
}

function resolvePartName(base: string, target: string): string {
  let path = target;
  try {
    path = decodeURIComponent(target);
  } catch {
    // A target with a stray `%` is used as written.
  }
  const segments = (path.startsWith('/') ? path.slice(1) : base + path).split('/');
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === '..') {
      out.pop();
    } else if (segment !== '.' && segment !== '') {
      out.push(segment);
    }
  }
  return out.join('/');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(?:#x([0-9a-fA-F]+)|#(\d+)|(\w+));/g, (whole, hex, dec, name) => {
    if (hex !== undefined || dec !== undefined) {
      const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name] ?? whole;
  });
}
