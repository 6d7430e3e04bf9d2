import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, parseFrameAncestors } from '../../../local/web-static.js';

describe('the frame-ancestors setting', () => {
  it("is 'none' unless set", () => {
    expect(parseFrameAncestors(undefined)).toBe("'none'");
    expect(parseFrameAncestors('  ')).toBe("'none'");
  });

  it('takes the sources a customer-facing app needs to embed the portal', () => {
    expect(parseFrameAncestors("'self' https://app.example.com https://*.example.org:8443")).toBe(
      "'self' https://app.example.com https://*.example.org:8443",
    );
  });

  it.each([
    ["'self'; script-src *", 'another directive'],
    ['https://a.example.com,https://b.example.com', 'a comma'],
    ["'unsafe-inline'", 'a keyword that is no source here'],
    ['javascript:alert(1)', 'a scheme'],
    ["'none' https://app.example.com", "'none' with others"],
    ['https://app.example.com/\r\nSet-Cookie: x=1', 'a header break'],
  ])('refuses %j (%s)', (value) => {
    expect(() => parseFrameAncestors(value)).toThrow(/HOOKBRIDGE_WEB_FRAME_ANCESTORS/);
  });
});

describe('the Content-Security-Policy', () => {
  it('allows only the app’s own scripts, styles and API, and no inline code', () => {
    const policy = contentSecurityPolicy("'none'");
    const directives = Object.fromEntries(
      policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'img-src': "'self' data:",
      'frame-ancestors': "'none'",
      'base-uri': "'none'",
      'form-action': "'self'",
    });
    expect(policy).not.toMatch(/unsafe|\*/);
  });
});
