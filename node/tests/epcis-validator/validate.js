// Validates an EPCIS 2.0 document with epcis2.js (GS1's EPCIS 2.0 JSON schema plus its checks of
// event field names and extensions). Usage: node validate.js FILE.json
// Prints "valid" and exits 0, or prints the validator's errors and exits 1.
'use strict';

const fs = require('fs');
const { validateEpcisDocument, setup } = require('epcis2.js');

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.js FILE.json');
  process.exit(2);
}
let document;
try {
  document = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`cannot read ${file}: ${error.message}`);
  process.exit(2);
}
// Full format checks (date-time, uri) and the extension check against the document's @context.
setup({ validationMode: 'full', checkExtensions: true });
const result = validateEpcisDocument(document, false);
if (result.success) {
  console.log('valid');
  process.exit(0);
}
console.log(`invalid: ${result.errors.join('; ')}`);
process.exit(1);
