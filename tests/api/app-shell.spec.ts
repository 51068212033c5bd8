import { expect, signIn, test } from "../fixtures";

// Issue 12: the 403 page the proxy writes itself looks like every other page, and every page
// has an icon. The header is compared as HTML with the one Next renders for the same user, so
// proxy.ts and app/layout.tsx cannot drift apart unnoticed.

const headerOf = (html: string) => /<header class="site-header">.*?<\/header>/s.exec(html)?.[0];
const SVG_ICON_LINK = /<link rel="icon" href="\/icon\.svg(\?[^"]*)?"[^>]* type="image\/svg\+xml"/;
const STYLESHEET_LINK = /<link rel="stylesheet" href="\/styles\.css"/;

test.describe("the app's shell", () => {
  test("the 403 page answers 403 with the same header, stylesheet and icon as the app's pages", async ({ request, user }) => {
    await signIn(request, user);
    const dashboard = await (await request.get("/dashboard")).text();
    const forbidden = await request.get("/admin", { maxRedirects: 0 });
    expect(forbidden.status()).toBe(403);
    expect(forbidden.headers()["content-type"]).toBe("text/html; charset=utf-8");
    const html = await forbidden.text();

    expect(headerOf(dashboard), "the header Next renders").toBeTruthy();
    expect(headerOf(html)).toBe(headerOf(dashboard));
    // The signed-in nav of a user without the role: no Admin link, a sign-out form.
    for (const href of ["/dashboard", "/settings/sessions", "/settings/password", "/settings/email", "/settings/activity"]) {
      expect(headerOf(html)).toContain(`<a href="${href}">`);
    }
    expect(headerOf(html)).not.toContain('href="/admin"');
    expect(headerOf(html)).toContain('<form class="inline-form" action="/api/auth/logout" method="post">');

    expect(html).toMatch(STYLESHEET_LINK);
    expect(html).toMatch(SVG_ICON_LINK);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain("<h1>403: not allowed</h1>");
    expect(html).toContain('<main id="main">');
    // Nothing the CSP would block: no inline style or script at all.
    expect(html).not.toMatch(/<script|<style|\sstyle=/i);
  });

  test("the icon and the stylesheet are served, and every kind of page links both", async ({ request, user }) => {
    const icon = await request.get("/icon.svg");
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toBe("image/svg+xml");
    expect(await icon.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

    const stylesheet = await request.get("/styles.css");
    expect(stylesheet.status()).toBe(200);
    expect(stylesheet.headers()["content-type"]).toMatch(/^text\/css/);
    expect(await stylesheet.text()).toContain(".site-header");

    // A browser asks for /favicon.ico only when a page links no icon.
    const signedOut = ["/", "/login", "/signup", "/forgot-password", "/no-such-page"];
    for (const path of signedOut) {
      const html = await (await request.get(path)).text();
      expect(html, path).toMatch(SVG_ICON_LINK);
      expect(html, path).toMatch(STYLESHEET_LINK);
    }
    await signIn(request, user);
    for (const path of ["/dashboard", "/settings/sessions", "/admin"]) {
      const html = await (await request.get(path)).text();
      expect(html, path).toMatch(SVG_ICON_LINK);
      expect(html, path).toMatch(STYLESHEET_LINK);
    }
  });
});
