// Prints the desktop's initial JavaScript, gzipped, and fails the build past the 300 KB budget; the
// web chat widget (dist/web/widget.js, embedded in customers' sites) has a budget of its own, 40 KB.
import { desktopInitialKb, widgetKb } from './bundle-measure.ts';

const kb = desktopInitialKb();
console.log(`desktop initial JS: ${kb.toFixed(1)} KB gzipped (budget 300 KB)`);
if (kb > 300) process.exit(1);
const wkb = widgetKb();
if (wkb !== null) {
  console.log(`chat widget: ${wkb.toFixed(1)} KB gzipped (budget 40 KB)`);
  if (wkb > 40) process.exit(1);
}
