/** The web UI turns a contact's linkedit into a link, frame or tab only for http(s) URLs. */
import { describe, expect, it } from 'vitest';
import { webLink } from '../../../web/src/safe-link.ts';

describe('links from CRM data in the web UI', () => {
  it('keeps absolute http and https URLs', () => {
    expect(webLink('https://crm.example.com/contact/1?x=2')).toBe('https://crm.example.com/contact/1?x=2');
    expect(webLink('http://crm.example.com/c/1')).toBe('http://crm.example.com/c/1');
  });

  it('refuses script, data and other schemes, however they are spelled', () => {
    for (const url of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'blob:https://x/1', 'file:///etc/passwd', 'vbscript:x', 'about:blank']) {
      expect(webLink(url), url).toBeNull();
    }
  });

  it('refuses relative, empty and malformed values', () => {
    for (const url of ['/contact/1', '//evil.example/x', 'crm.example.com/c/1', '', null, undefined, 'http://']) expect(webLink(url), String(url)).toBeNull();
  });
});
