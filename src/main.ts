// `node src/main.ts <command>` — the same CLI as `npx frontline`.
import './server/main.ts';
