// `npm run verify -- ...`: the command line of main.ts.
import { main } from "./main";

process.exitCode = await main(process.argv.slice(2));
