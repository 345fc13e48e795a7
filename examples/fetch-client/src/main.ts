// `npm start`: narrates the scenario.
import { runScenario } from './scenario.js';

await runScenario((line) => console.log(line));
