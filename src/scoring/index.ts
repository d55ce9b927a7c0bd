export { score, PASSING_SCORE, type Outcome, type Score, type ScoreInput, type TargetResult } from './score.js';
