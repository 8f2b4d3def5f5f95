/**
 * Making a new project.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { NewProjectWizard } from './NewProjectWizard';
