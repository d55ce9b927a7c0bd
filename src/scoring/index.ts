export { score, type Score, type ScoreInput, type TargetResult } from './score.js';
