/**
 * libxml2's verdict on XML the app writes: well-formed, and valid against a REFI-QDA schema
 * in resources/refi-qda. The same libxml2 as the `xmllint` program, compiled to WebAssembly
 * (xmllint-wasm), so the tests need no system package; it has no network, as `xmllint --nonet`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateXML, type XMLValidationResult } from 'xmllint-wasm';

const SCHEMAS = path.join(import.meta.dirname, '..', 'resources', 'refi-qda');

/** What `xmllint --noout` would print: nothing when all is well, else libxml2's errors. */
const errorsOf = (r: XMLValidationResult): string => r.errors.map((e) => e.rawMessage).join('\n');

export async function validateRefiQda(xml: string, schema: 'Project.xsd' | 'Codebook.xsd'): Promise<{ ok: boolean; output: string }> {
  const r = await validateXML({
    xml: [{ fileName: 'document.xml', contents: xml }],
    schema: [{ fileName: schema, contents: fs.readFileSync(path.join(SCHEMAS, schema), 'utf8') }],
  });
  return { ok: r.valid, output: errorsOf(r) };
}

/** libxml2's parser errors for a document ('' when it is well-formed XML). */
export async function xmlErrors(xml: string): Promise<string> {
  // No schema: the document is only parsed (and canonicalised, which is thrown away).
  const r = await validateXML({ xml: [{ fileName: 'document.xml', contents: xml }], normalization: 'c14n' });
  return r.valid ? '' : errorsOf(r) || 'not well-formed';
}
