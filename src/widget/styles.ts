/** The widget's own styles, inside its shadow root: the host page's CSS cannot reach them, nor they the page. */
export const STYLES = `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.launch { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0; border-radius: 24px;
  padding: 12px 20px; background: #0b5cad; color: #fff; font-size: 16px; cursor: pointer;
  box-shadow: 0 2px 8px rgba(0,0,0,.3); }
button:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible {
  outline: 3px solid #f5a623; outline-offset: 2px; }
.panel { position: fixed; right: 20px; bottom: 20px; z-index: 2147483001; width: 370px; height: 560px;
  max-height: calc(100vh - 40px); display: flex; flex-direction: column; background: #fff; color: #1a1a1a;
  border-radius: 12px; box-shadow: 0 4px 24px rgba(0,0,0,.35); overflow: hidden; font-size: 15px; }
.panel[hidden], .launch[hidden] { display: none; }
@media (max-width: 480px) { .panel { inset: 0; width: 100%; height: 100%; max-height: none; border-radius: 0; } }
header { background: #0b5cad; color: #fff; padding: 10px 12px; display: flex; align-items: center; gap: 8px; }
header h2 { margin: 0; font-size: 17px; flex: 1; }
header button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.7); border-radius: 6px;
  padding: 4px 8px; font-size: 14px; cursor: pointer; min-height: 32px; }
.main { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.status { padding: 6px 12px; background: #eef4fb; color: #123; font-size: 14px; min-height: 30px; }
.log { flex: 1; overflow-y: auto; padding: 12px; margin: 0; list-style: none; }
.log > div { margin: 0 0 8px; display: flex; flex-direction: column; }
.bubble { max-width: 85%; padding: 8px 10px; border-radius: 10px; white-space: pre-wrap; overflow-wrap: anywhere; }
.bubble a { color: #0b5cad; text-decoration: underline; padding: 3px 0; }
.visitor { align-items: flex-end; }
.visitor .bubble { background: #0b5cad; color: #fff; }
.officer .bubble, .system .bubble { background: #eceff3; color: #1a1a1a; }
.meta { font-size: 12px; color: #4a4f55; margin-top: 2px; }
form { display: flex; flex-direction: column; gap: 8px; padding: 12px; overflow-y: auto; }
form p { margin: 0; }
label { font-size: 14px; font-weight: 600; display: flex; flex-direction: column; gap: 4px; }
input, textarea, select { font-size: 16px; padding: 8px; border: 1px solid #6b7178; border-radius: 6px;
  color: #1a1a1a; background: #fff; font-weight: 400; }
textarea { resize: none; }
.primary { background: #0b5cad; color: #fff; border: 0; border-radius: 6px; padding: 10px 14px; font-size: 16px;
  cursor: pointer; min-height: 44px; }
.compose { display: flex; flex-direction: row; gap: 8px; padding: 8px; border-top: 1px solid #d5d9de; align-items: flex-end; }
.compose textarea { flex: 1; min-height: 44px; max-height: 120px; }
.attach { min-width: 44px; min-height: 44px; border: 1px solid #6b7178; border-radius: 6px; background: #fff;
  color: #1a1a1a; cursor: pointer; display: flex; align-items: center; justify-content: center; padding: 0; }
.file { display: block; margin-top: 4px; padding: 2px 0; min-height: 24px; border: 0; background: none; color: inherit;
  font-size: 14px; text-align: left; text-decoration: underline; cursor: pointer; }
span.file { text-decoration: none; }
.thumb { display: block; max-width: 200px; max-height: 160px; border-radius: 6px; margin-bottom: 4px; }
.thumb[hidden] { display: none; }
.fnote { margin: 0; padding: 0 12px; }
.fnote:not(:empty) { padding: 4px 12px; }
.typing { font-size: 13px; color: #4a4f55; padding: 0 12px; min-height: 18px; }
.error { color: #a4000f; font-size: 14px; }
.note { padding: 12px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
