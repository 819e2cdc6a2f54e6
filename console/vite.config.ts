import { defineConfig, type ProxyOptions } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const hub = 'http://127.0.0.1:8080';
// Dev only: until a session exists, the dev server may log in as the bearer token's principal. The built console
// never carries a token; it only uses the session cookie.
const devToken = process.env.MXHUB_DEV_TOKEN;
const proxy: ProxyOptions = {
  target: process.env.MXHUB_DEV_HUB ?? hub,
  changeOrigin: false,
  ...(devToken ? { headers: { authorization: `Bearer ${devToken}` } } : {}),
};

export default defineConfig({
  root,
  base: '/',
  // vite's built-in oxc transform handles JSX; @vitejs/plugin-react is not used (peer conflict).
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      // antd's "use client" directives mean nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/v1': proxy, '/health': proxy } },
});
