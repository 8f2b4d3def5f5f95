export { ProjectEndPanel } from './ProjectEndPanel';
