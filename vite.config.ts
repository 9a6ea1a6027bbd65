import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The agent desktop: built into dist/web and served by the same Fastify process at `/`.
export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: { outDir: '../../dist/web', emptyOutDir: true, reportCompressedSize: true },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
