// chalk as every UI module uses it: no colour when NO_COLOR is set or stdout is not a terminal (chalk itself only
// looks at FORCE_COLOR and the terminal). Set here, on first use, so a command that prints no colour (crmq sql)
// never loads chalk.
import chalk from 'chalk';

if (process.env.NO_COLOR || !process.stdout.isTTY) chalk.level = 0;

export default chalk;
