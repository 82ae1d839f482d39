/** An import's bounds, apart from the parser so the route table can name them without bundling ical.js everywhere. */

/** Bodies above this are refused (413): base64 by API Gateway, 4 MiB stays under Lambda's 6 MB payload. */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;
/** More events than this in one file are refused: an import is one recorded command per event. */
export const MAX_IMPORT_EVENTS = 5000;
