/** Text → HTML-safe text (also safe inside double-quoted attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that can sit inside a <script> element: `<`, U+2028/9 escaped so nothing can close the tag. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * Content-Security-Policy of our pages: nothing loads from anywhere else (no CDN), inline
 * style and script only with this response's nonce, fetches only to our own origin.
 */
export function pageSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    "connect-src 'self'",
    'frame-src https: http:',
    'form-action https: http:',
    "base-uri 'none'",
  ].join('; ');
}

export const BASE_STYLE = `
*{box-sizing:border-box}
body{margin:0;padding:16px 12px;font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Zen Hei",system-ui,sans-serif;background:#f2f4f7;color:#1d2939}
main{max-width:420px;margin:0 auto}
.card{background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(16,24,40,.1);text-align:center}
h1{font-size:18px;margin:0 0 12px}
h1 small{font-weight:400;color:#667085}
.label{margin:8px 0 0;color:#667085;font-size:14px}
.amount{font-size:40px;font-weight:700;margin:4px 0;color:#0b6bcb;font-variant-numeric:tabular-nums}
.note{background:#fffaeb;color:#b54708;border-radius:8px;padding:8px;font-size:13px}
.qr{width:240px;height:240px;margin:12px auto}
.qr svg{width:100%;height:100%}
.hint{font-size:13px;color:#475467}
.countdown{font-size:15px}
.countdown strong{font-variant-numeric:tabular-nums}
.status{font-weight:600;padding:10px;border-radius:8px;background:#f2f4f7}
.status[data-status=paid]{background:#ecfdf3;color:#027a48}
.status[data-status=expired],.status[data-status=failed]{background:#fef3f2;color:#b42318}
.done .qr,.done .countdown,.done #simulate{display:none}
button,.button{display:block;width:100%;padding:12px;border:0;border-radius:8px;background:#0b6bcb;color:#fff;font-size:16px;margin-top:12px;text-decoration:none}
button:disabled{background:#98a2b3}
.meta{font-size:12px;color:#98a2b3;word-break:break-all;margin-top:16px}
iframe{width:100%;min-height:320px;border:0}
`;
