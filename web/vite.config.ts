import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * The agent desktop is the page that must show fastest: index.html gets a tiny
 * script that, on /desktop with a stored session, preloads the desktop's chunk
 * and everything it imports, so they download (and compile) while the main
 * bundle is still evaluating instead of after it.
 */
function preloadDesktop(): Plugin {
  return {
    name: 'hujiao-preload-desktop',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return html;
        const chunks = Object.values(bundle).filter((c): c is Extract<typeof c, { type: 'chunk' }> => c.type === 'chunk');
        const desk = chunks.find((c) => c.facadeModuleId?.endsWith('/pages/agent/AgentDesktopPage.tsx'));
        if (!desk) return html;
        const entry = chunks.find((c) => c.isEntry);
        const skip = new Set([entry?.fileName, ...(entry?.imports ?? [])]);
        const files = new Set<string>();
        const visit = (name: string) => {
          if (files.has(name) || skip.has(name)) return;
          files.add(name);
          const c = bundle[name];
          if (c && c.type === 'chunk') c.imports.forEach(visit);
        };
        visit(desk.fileName);
        const list = JSON.stringify([...files].map((f) => `/${f}`));
        const script = `<script>(function(){try{if(location.pathname.indexOf('/desktop')!==0||!localStorage.getItem('hujiao.token'))return;${list}.forEach(function(h){var l=document.createElement('link');l.rel='modulepreload';l.crossOrigin='';l.href=h;document.head.appendChild(l);});}catch(e){}})();</script>`;
        return html.replace('</head>', `    ${script}\n  </head>`);
      },
    },
  };
}

// During development `npm run dev` proxies the API (REST and WebSocket) to a
// running hujiaod; HUJIAO_API overrides where it listens.
const api = process.env.HUJIAO_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), preloadDesktop()],
  base: '/',
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/api': { target: api, ws: true },
      '/healthz': { target: api },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2020',
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        // Long-lived vendor chunks: they change less often than our pages.
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined;
          if (/node_modules\/(echarts|zrender)\//.test(id)) return 'echarts';
          if (/node_modules\/(react|react-dom|scheduler|react-router|react-router-dom|@remix-run)\//.test(id)) return 'react';
          return undefined;
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
