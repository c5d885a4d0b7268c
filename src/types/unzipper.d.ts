// The part of unzipper's API crmq uses: random access to one entry of a ZIP file (an XLSX workbook).
declare module 'unzipper' {
  import type { Readable } from 'node:stream';

  export interface Entry {
    path: string;
    type: 'File' | 'Directory';
    uncompressedSize: number;
    stream(password?: string): Readable;
    buffer(password?: string): Promise<Buffer>;
  }

  export interface CentralDirectory {
    files: Entry[];
  }

  const unzipper: { Open: { file(path: string): Promise<CentralDirectory> } };
  export default unzipper;
}
