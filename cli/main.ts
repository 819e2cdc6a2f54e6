import { buildProgram } from './program';

void buildProgram(process.argv).parseAsync(process.argv);
