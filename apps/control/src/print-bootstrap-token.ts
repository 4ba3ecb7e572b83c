import { generateSecret } from '@portico/keys';

// Prints a fresh, well-formed value for PORTICO_BOOTSTRAP_TOKEN. Keep it secret: it becomes the
// first owner's personal access token.
console.log(generateSecret('bootstrap').clear);
