import { type Reason, reason } from './import-reason.ts';

/**
 * What an upload is, from its first bytes (a few hundred are plenty; 8 decide most cases):
 *
 * - `xls`: an OLE2/CFB compound file (`D0 CF 11 E0 A1 B1 1A E1`), i.e. an old binary Excel `.xls`
 *   (§0.15) or a password-protected Excel file of any age (Excel stores those encrypted in the
 *   same container). Neither can be read; see `OLD_EXCEL_REASON`.
 * - `xlsx`: a zip whose first entries are a workbook's (`[Content_Types].xml` or `xl/…`).
 * - `zip`: any other zip (a Douyin bundle of CSVs, §0.13, or a workbook whose first entry is
 *   something else: the central directory decides).
 * - `text`: anything else, for the CSV reader to decode or refuse.
 */
export type FileKind = 'xlsx' | 'xls' | 'zip' | 'text';

const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export const OLD_EXCEL_REASON: Reason = reason(
  'old_excel',
  'This is an old Excel .xls file, or a password-protected Excel file (both are stored in a binary ' +
    'format that cannot be read here). Open it in Excel or WPS, remove any password, choose “Save as” ' +
    '→ “Excel Workbook (.xlsx)” or “CSV UTF-8”, and upload that file.',
  '这是旧版 Excel .xls 文件，或设有密码的 Excel 文件（两者都以二进制格式保存，这里无法读取）。' +
    '请用 Excel 或 WPS 打开它，去掉密码，选择“另存为”→“Excel 工作簿（.xlsx）”或“CSV UTF-8”，然后上传另存的文件。',
);

export function sniffFileKind(firstBytes: Uint8Array): FileKind {
  if (CFB.every((b, i) => firstBytes[i] === b)) {
    return 'xls';
  }
  const zip =
    firstBytes[0] === 0x50 &&
    firstBytes[1] === 0x4b &&
    ((firstBytes[2] === 0x03 && firstBytes[3] === 0x04) ||
      (firstBytes[2] === 0x05 && firstBytes[3] === 0x06));
  if (!zip) {
    return 'text';
  }
  // The first local header's name: 30 bytes in, its length at 26.
  const nameLength = (firstBytes[26] ?? 0) | ((firstBytes[27] ?? 0) << 8);
  const name = new TextDecoder('latin1').decode(firstBytes.subarray(30, 30 + nameLength));
  return name === '[Content_Types].xml' || name.startsWith('xl/') || name.startsWith('_rels/')
    ? 'xlsx'
    : 'zip';
}
