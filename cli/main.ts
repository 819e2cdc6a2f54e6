import { Command } from 'commander';
import { replayCommand } from './commands/replay';
import { scanMediaCommand } from './commands/scan-media';
import { startCommand } from './commands/start';
import { statusCommand } from './commands/status';
import { tasksCommand } from './commands/tasks';
import { verifyCommand } from './commands/verify';

const program = new Command('mxhub')
  .description('media exchange hub: screening and transfer between broadcast networks')
  .showHelpAfterError();
startCommand(program);
replayCommand(program);
verifyCommand(program);
statusCommand(program);
tasksCommand(program);
scanMediaCommand(program);
void program.parseAsync(process.argv);
