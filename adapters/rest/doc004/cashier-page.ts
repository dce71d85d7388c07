import QRCode from 'qrcode';
import { BASE_STYLE, escapeHtml, scriptJson } from './html.js';

/** What the cashier page shows for one order; built by the route from the order. */
export interface CashierView {
  publicId: string;
  mrn: string;
  /** Exact amount the payer must send (yuan, 2 decimals). */
  payableYuan: string;
  /** True when the channel shifted the amount (the payer must pay it exactly). */
  amountShifted: boolean;
  status: 'pending' | 'paid' | 'expired' | 'failed';
  expiresInMs: number;
  returnUrl: string;
  action: { kind: 'qr' | 'redirect' | 'html' | 'form'; content: string; fields?: Record<string, string>; hint?: string } | null;
  /** Same-origin path of the sandbox's payer side, when simulation is allowed. */
  simulatePaymentPath: string | null;
  statusUrl: string;
}

const STATUS_TEXT: Record<CashierView['status'], string> = {
  pending: '等待支付 · Waiting for payment',
  paid: '支付成功，正在返回 · Paid, returning…',
  expired: '订单已过期 · This order has expired',
  failed: '支付失败 · Payment failed',
};

/** The QR of a pay action as an inline SVG (rendered here: the page loads nothing from elsewhere). */
export async function qrSvg(content: string): Promise<string> {
  return QRCode.toString(content, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}

async function actionHtml(view: CashierView): Promise<string> {
  const a = view.action;
  if (!a) return '';
  const hint = a.hint ? `<p class="hint">${escapeHtml(a.hint)}</p>` : '';
  switch (a.kind) {
    case 'qr':
      return `<div class="qr" id="qr" role="img" aria-label="QR code">${await qrSvg(a.content)}</div>${hint}`;
    case 'redirect':
      return `${hint}<a class="button" id="continue" href="${escapeHtml(a.content)}">前往支付 · Continue to pay</a>`;
    case 'form': {
      const inputs = Object.entries(a.fields ?? {})
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
        .join('');
      return `${hint}<form method="post" action="${escapeHtml(a.content)}">${inputs}<button type="submit">前往支付 · Continue to pay</button></form>`;
    }
    case 'html':
      // A channel's own markup runs sandboxed, away from this page's script.
      return `${hint}<iframe sandbox="allow-forms allow-scripts allow-top-navigation" srcdoc="${escapeHtml(a.content)}"></iframe>`;
  }
}

const SCRIPT = `(function(){
var cfg=JSON.parse(document.getElementById('cashier-config').textContent);
var main=document.querySelector('main');var st=document.getElementById('status');var cd=document.getElementById('countdown');
var state=cfg.status;var deadline=Date.now()+cfg.expiresInMs;var texts=cfg.texts;
function pad(n){return (n<10?'0':'')+n}
function show(s){state=s;st.dataset.status=s;st.textContent=texts[s]||s;if(s!=='pending'){main.classList.add('done')}
 if(s==='paid'){setTimeout(function(){location.replace(cfg.returnUrl)},800)}}
function tick(){var ms=Math.max(0,deadline-Date.now());var s=Math.ceil(ms/1000);if(cd){cd.textContent=pad(Math.floor(s/60))+':'+pad(s%60)}
 if(ms<=0&&state==='pending'){show('expired')}if(state==='pending'||state==='expired'){setTimeout(tick,250)}}
function poll(){fetch(cfg.statusUrl,{cache:'no-store'}).then(function(r){return r.json()}).then(function(d){
 if(d&&d.status&&d.status!==state&&!(d.status==='pending'&&state==='expired')){show(d.status)}}).catch(function(){}).then(function(){
 if(state!=='paid'&&state!=='failed'){setTimeout(poll,cfg.pollMs)}})}
var sim=document.getElementById('simulate');
if(sim){sim.addEventListener('click',function(){sim.disabled=true;fetch(cfg.simulatePaymentPath,{method:'POST'}).then(function(r){
 if(!r.ok){return r.text().then(function(t){st.textContent=t;sim.disabled=false})}poll()}).catch(function(){sim.disabled=false})})}
show(state);tick();if(state!=='paid'){setTimeout(poll,cfg.pollMs)}
})();`;

/** The cashier page: amount, QR (or link/form), countdown, status polling, return when paid. */
export async function renderCashierPage(view: CashierView, nonce: string): Promise<string> {
  const open = view.status === 'pending';
  const config = {
    status: view.status,
    expiresInMs: Math.max(0, view.expiresInMs),
    returnUrl: view.returnUrl,
    statusUrl: view.statusUrl,
    simulatePaymentPath: view.simulatePaymentPath,
    pollMs: 1500,
    texts: STATUS_TEXT,
  };
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>收银台 · Checkout</title>
<style nonce="${nonce}">${BASE_STYLE}</style></head>
<body><main class="card${open ? '' : ' done'}">
<h1>收银台 <small>Checkout</small></h1>
<p class="label">支付金额 · Amount to pay</p>
<p class="amount" id="amount">¥<span id="amount-value">${escapeHtml(view.payableYuan)}</span></p>
${view.amountShifted ? '<p class="note" id="exact-note">请按此金额精确支付，否则无法自动到账 · Pay exactly this amount, or the payment cannot be matched</p>' : ''}
${open ? await actionHtml(view) : ''}
<p class="countdown">剩余时间 · Time left <strong id="countdown">--:--</strong></p>
<p class="status" id="status" data-status="${view.status}">${escapeHtml(STATUS_TEXT[view.status])}</p>
${open && view.simulatePaymentPath ? '<button type="button" id="simulate">模拟支付 · Simulate payment (sandbox)</button>' : ''}
<p class="meta">订单号 · Order ${escapeHtml(view.mrn)}</p>
</main>
<script type="application/json" id="cashier-config">${scriptJson(config)}</script>
<script nonce="${nonce}">${SCRIPT}</script>
</body></html>`;
}

/** A small page for refusals of the browser-facing routes (form `POST /api/Pay`, unknown order). */
export function renderErrorPage(title: string, message: string, nonce: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${BASE_STYLE}</style></head>
<body><main class="card"><h1>${escapeHtml(title)}</h1>
<p class="status" data-status="failed" id="error-message">${escapeHtml(message)}</p></main></body></html>`;
}
