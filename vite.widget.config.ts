import { defineConfig } from 'vite';

// The web chat widget (issue 14): one small script, built beside the desktop into dist/web and
// served at /widget.js. Plain DOM, no framework; scripts/bundle-size.ts holds it to 40 KB gzipped.
export default defineConfig({
  build: {
    outDir: 'dist/web',
    emptyOutDir: false,
    reportCompressedSize: true,
    lib: {
      entry: 'src/widget/widget.ts',
      name: 'FrontlineWidget',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
});
