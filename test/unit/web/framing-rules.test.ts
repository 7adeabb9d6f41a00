import { describe, expect, it } from 'vitest';
import { framingVerdict } from '../../../src/web/framing-rules.ts';

const CCS = 'https://ccs.example.vn';
const verdict = (headers: { xfo?: string[]; csp?: string[] }, framedUrl = 'https://crm.example.vn/contact/1', embedderOrigin = CCS) =>
  framingVerdict({ framedUrl, embedderOrigin, xFrameOptions: headers.xfo ?? [], contentSecurityPolicy: headers.csp ?? [] });

describe('whether a CRM page may be framed by the desktop', () => {
  it('allows a page that says nothing about framing', () => {
    expect(verdict({})).toBe('allowed');
    expect(verdict({ csp: ["default-src 'self'"] })).toBe('allowed');
  });

  it('denies X-Frame-Options DENY, and SAMEORIGIN from another origin', () => {
    expect(verdict({ xfo: ['DENY'] })).toBe('denied');
    expect(verdict({ xfo: ['sameorigin'] })).toBe('denied');
    expect(verdict({ xfo: ['SAMEORIGIN'] }, 'https://ccs.example.vn/crm/1')).toBe('allowed');
  });

  it('ignores ALLOW-FROM, as browsers do', () => {
    expect(verdict({ xfo: ['ALLOW-FROM https://ccs.example.vn'] })).toBe('allowed');
  });

  it("follows CSP frame-ancestors: 'none', 'self', hosts, wildcards and schemes", () => {
    expect(verdict({ csp: ["frame-ancestors 'none'"] })).toBe('denied');
    expect(verdict({ csp: ["frame-ancestors 'self'"] })).toBe('denied');
    expect(verdict({ csp: ["default-src 'self'; frame-ancestors 'self' https://ccs.example.vn"] })).toBe('allowed');
    expect(verdict({ csp: ['frame-ancestors ccs.example.vn'] })).toBe('allowed');
    expect(verdict({ csp: ['frame-ancestors *.example.vn'] })).toBe('allowed');
    expect(verdict({ csp: ['frame-ancestors *.other.vn'] })).toBe('denied');
    expect(verdict({ csp: ['frame-ancestors https:'] })).toBe('allowed');
    expect(verdict({ csp: ['frame-ancestors *'] })).toBe('allowed');
    expect(verdict({ csp: ['frame-ancestors http://ccs.example.vn:8080'] }, undefined, 'http://ccs.example.vn:8080')).toBe('allowed');
    expect(verdict({ csp: ['frame-ancestors http://ccs.example.vn:8080'] }, undefined, 'http://ccs.example.vn:9090')).toBe('denied');
  });

  it('lets frame-ancestors override X-Frame-Options, and requires every policy to allow', () => {
    expect(verdict({ xfo: ['DENY'], csp: ['frame-ancestors https://ccs.example.vn'] })).toBe('allowed');
    expect(verdict({ csp: ['frame-ancestors https://ccs.example.vn', "frame-ancestors 'none'"] })).toBe('denied');
  });
});
