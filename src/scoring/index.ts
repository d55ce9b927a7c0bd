export { score, PASSING_SCORE, type Score, type ScoreInput, type TargetResult } from './score.js';
