import { Command } from 'commander';
import { replayCommand } from './commands/replay';
import { startCommand } from './commands/start';
import { statusCommand } from './commands/status';
import { verifyCommand } from './commands/verify';

const program = new Command('mxhub')
  .description('media exchange hub: screening and transfer between broadcast networks')
  .showHelpAfterError();
startCommand(program);
replayCommand(program);
verifyCommand(program);
statusCommand(program);
void program.parseAsync(process.argv);
