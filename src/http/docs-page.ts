/** /docs: a self-contained page (no CDN) that renders the OpenAPI document for people, grouped by tag. */
export function docsPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CCS API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1b2330}
h1{margin-bottom:0}code,pre{background:#f2f4f7;border-radius:4px}pre{padding:.75rem;overflow:auto;font-size:13px}
.op{border:1px solid #d8dde6;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.m{display:inline-block;min-width:4.5em;font-weight:700;color:#fff;border-radius:4px;padding:0 .4em;margin-right:.5em;text-align:center}
.get{background:#2f7d32}.post{background:#1f5fa8}.delete{background:#a83232}details summary{cursor:pointer}
</style></head><body>
<h1>CCS API</h1><p id="desc"></p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p>
<div id="ops"></div>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  document.getElementById('desc').textContent=doc.info.description;
  const root=document.getElementById('ops');
  const show=(title,entries)=>{const h=document.createElement('h2');h.textContent=title;root.appendChild(h);
    for(const [path,item] of entries){for(const [method,op] of Object.entries(item)){
      const d=document.createElement('div');d.className='op';
      const head=document.createElement('div');
      const m=document.createElement('span');m.className='m '+method;m.textContent=method.toUpperCase();
      const p=document.createElement('code');p.textContent=path;
      const s=document.createElement('span');s.textContent=' — '+(op.summary||'');
      head.append(m,p,s);d.appendChild(head);
      const det=document.createElement('details');const sum=document.createElement('summary');sum.textContent='details';
      const pre=document.createElement('pre');pre.textContent=JSON.stringify(op,null,2);det.append(sum,pre);d.appendChild(det);
      root.appendChild(d);}}};
  const byTag={};
  for(const [path,item] of Object.entries(doc.paths)){for(const [method,op] of Object.entries(item)){
    const tag=(op.tags&&op.tags[0])||'Other';((byTag[tag]??={})[path]??={})[method]=op;}}
  for(const [tag,paths] of Object.entries(byTag)) show(tag,Object.entries(paths));
  show('Callbacks to the CRM',Object.entries(doc.webhooks).map(([k,v])=>['<CRM>/api/'+k,v]));
  const h=document.createElement('h2');h.textContent='Schemas';root.appendChild(h);
  const pre=document.createElement('pre');pre.textContent=JSON.stringify(doc.components.schemas,null,2);root.appendChild(pre);
});
</script></body></html>`;
}
