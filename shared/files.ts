/**
 * A file the user picked in main's dialog (or dropped on the window): the page gets an
 * opaque token and the file's name, never a path it could make up. Main reads only files
 * it handed out a token for, so a compromised page cannot read the user's other files.
 * Its own file so that the contract and the parts of it (shared/supervisor.ts) both use it
 * without importing each other.
 */
export interface ChosenFile {
  token: string;
  name: string;
}
