// `npm start`: runs the scenario against three local upstreams and narrates it.
import { runScenario } from './scenario.js';

await runScenario((line) => console.log(`- ${line}`));
