// Pre-renders Ant Design's CSS-in-JS styles at build time so the browser does
// not compute them on first load. Every antd component (and the panels of its
// pop-ups) is rendered once on the server side with the console's theme; the
// collected styles go to dist/assets/antd-<hash>.css, linked from index.html.
// The file ends with antd's cache-path map, so at run time each component finds
// its style already present and skips building, parsing and injecting it
// (components or states not covered here are still styled at run time).
// The theme is src/theme.json, the same object src/App.tsx gives ConfigProvider.
process.env.NODE_ENV = 'production';
const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const React = require('react');
const { renderToString } = require('react-dom/server');
const antd = require('antd');
const { StyleProvider, createCache, extractStyle } = require('@ant-design/cssinjs');

const THEME = require('../src/theme.json');
const dist = join(__dirname, '..', 'dist');
const h = React.createElement;

// Pop-up panels antd renders in portals (not rendered by the plain components).
const PANELS = ['Modal', 'Tooltip', 'Popconfirm', 'Dropdown', 'Select', 'notification', 'message'];
// The components the console uses (grep "from 'antd'" in src/); others are styled at run time.
const USED = ['Alert', 'App', 'Badge', 'Button', 'Card', 'Checkbox', 'Col', 'Descriptions', 'Divider', 'Drawer', 'Dropdown', 'Empty', 'Form', 'Input', 'InputNumber', 'Layout', 'List', 'Menu', 'Modal', 'Pagination', 'Popconfirm', 'Row', 'Segmented', 'Select', 'Space', 'Spin', 'Statistic', 'Switch', 'Table', 'Tag', 'Tooltip', 'Typography'];

const cache = createCache();
function render(node) {
  try {
    renderToString(h(StyleProvider, { cache }, h(antd.ConfigProvider, { theme: THEME }, node)));
  } catch {
    // A component that cannot render without props on the server: styled at run time.
  }
}

for (const name of USED) render(h(antd[name]));
// Sub-components with styles of their own, and states the console shows at once.
render(h(antd.Layout, null, h(antd.Layout.Sider), h(antd.Layout.Header), h(antd.Layout.Content)));
render(h(antd.Menu, { items: [{ key: 'a', label: 'a' }, { type: 'group', key: 'g', label: 'g', children: [{ key: 'b', label: 'b' }] }], mode: 'inline' }));
render(h(antd.Typography.Title, null, 't'));
render(h(antd.Typography.Text, { type: 'secondary' }, 't'));
render(h(antd.Input.TextArea));
render(h(antd.Input.Search));
render(h(antd.Input.Password));
render(h(antd.Space.Compact, null, h(antd.Input), h(antd.Button, null, 'b')));
render(h(antd.Row, null, h(antd.Col, { xs: 24, lg: 9 }, 'c')));
render(h(antd.Form, null, h(antd.Form.Item, { label: 'l', name: 'n' }, h(antd.Input))));
render(h(antd.List, { dataSource: [1], renderItem: (x) => h(antd.List.Item, { actions: [h(antd.Button, { key: 'a' }, 'b')] }, String(x)) }));
render(h(antd.Descriptions, { items: [{ key: 'k', label: 'l', children: 'v' }], title: 't' }));
render(h(antd.Card, { size: 'small', title: 't' }, 'c'));
render(h(antd.Spin, { spinning: true }));
render(h(antd.Badge, { status: 'success', text: 't' }));
render(h(antd.App, null, 'a'));
for (const name of PANELS) {
  const P = antd[name]?._InternalPanelDoNotUseOrYouWillBeFired;
  if (P) render(h(P, name === 'Select' || name === 'AutoComplete' || name === 'Cascader' || name === 'TreeSelect' ? { open: true } : {}));
}

const css = extractStyle(cache, { plain: true });
const hash = createHash('sha256').update(css).digest('hex').slice(0, 8);
const file = `assets/antd-${hash}.css`;
writeFileSync(join(dist, file), css);
const indexPath = join(dist, 'index.html');
const html = readFileSync(indexPath, 'utf8').replace(/\s*<link rel="stylesheet" href="\/assets\/antd-[^"]+\.css">/, '');
writeFileSync(indexPath, html.replace('</head>', `  <link rel="stylesheet" href="/${file}">\n  </head>`));
console.log(`antd-css: ${file} ${(css.length / 1024).toFixed(0)} KiB`);
