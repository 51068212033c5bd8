import { describe, expect, it } from "vitest";
import {
  emailChangeConfirmMessage,
  emailChangedMessage,
  emailChangeRequestedMessage,
  passwordChangedMessage,
  passwordResetDoneMessage,
  passwordResetMessage,
  recoveryCodeUsedMessage,
  roleChangedMessage,
  twoFactorDisabledMessage,
  twoFactorEnabledMessage,
  verifyEmailMessage,
} from "@/lib/mail/messages";
import type { MailMessage } from "@/lib/mail";

const HOSTILE = `"><img src=x onerror=alert(1)>@evil.test`;
const LINK = "https://app.example.com/reset-password?token=abc_DEF-123&x=1";

const withLink: Array<[string, (to: string, link: string) => MailMessage, RegExp]> = [
  ["verifyEmailMessage", verifyEmailMessage, /expires in 24 hours/],
  ["passwordResetMessage", passwordResetMessage, /expires in 1 hour/],
  ["emailChangeConfirmMessage", emailChangeConfirmMessage, /expires in 24 hours/],
];

const notices: Array<[string, (to: string) => MailMessage]> = [
  ["emailChangeRequestedMessage", (to) => emailChangeRequestedMessage(to, HOSTILE)],
  ["passwordChangedMessage", passwordChangedMessage],
  ["passwordResetDoneMessage", passwordResetDoneMessage],
  ["emailChangedMessage", (to) => emailChangedMessage(to, HOSTILE)],
  ["roleChangedMessage", (to) => roleChangedMessage(to, "admin")],
  ["twoFactorEnabledMessage", twoFactorEnabledMessage],
  ["twoFactorDisabledMessage", twoFactorDisabledMessage],
  ["recoveryCodeUsedMessage", (to) => recoveryCodeUsedMessage(to, 3)],
];

// Every tag in the HTML part is one of ours: a value can add text, never markup.
const OUR_TAGS = new Set(["!doctype", "html", "head", "meta", "title", "body", "div", "h1", "p", "a", "br"]);

function expectSafeHtml(message: MailMessage) {
  const tags = [...message.html.matchAll(/<\/?([!a-z0-9]+)/gi)].map((match) => match[1]!.toLowerCase());
  expect(tags.filter((tag) => !OUR_TAGS.has(tag))).toEqual([]);
  expect(message.html).not.toMatch(/<img/i);
  // The hostile value shows, escaped.
  expect(message.html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@evil.test");
  // No tracking: no tag fetches anything when the mail is opened.
  expect(message.html).not.toMatch(/<[^>]*\b(src|background)=|url\(/i);
}

describe("messages with a token link", () => {
  it.each(withLink)("%s carries the link, absolute, in text and HTML, with its expiry", (_, build, expiry) => {
    const message = build("ada@example.com", LINK);
    expect(message.to).toBe("ada@example.com");
    expect(message.text).toContain(LINK);
    expect(message.html).toContain(`href="${LINK.replace("&", "&amp;")}"`);
    expect(message.text).toMatch(expiry);
    expect(message.html).toMatch(expiry);
    // The token link is the only link.
    expect(message.html.match(/<a /g)).toHaveLength(1);
    expect(message.text.match(/https?:\/\//g)).toHaveLength(1);
  });

  it.each(withLink)("%s escapes a hostile address and link in HTML", (_, build) => {
    const message = build(HOSTILE, `https://app.example.com/x?token="><script>alert(1)</script>`);
    expectSafeHtml(message);
    expect(message.html).toContain("token=&quot;&gt;&lt;script&gt;");
    expect(message.subject).not.toContain(HOSTILE);
  });

  it("reset says ignoring it is safe", () => {
    expect(passwordResetMessage("a@example.com", LINK).text).toMatch(/safely ignore/);
  });

  it("kinds name the message", () => {
    expect(withLink.map(([, build]) => build("a@example.com", LINK).kind)).toEqual(["verify-email", "password-reset", "email-change-confirm"]);
  });
});

describe("notices", () => {
  it.each(notices)("%s has no links, no secrets, escapes values, and says what to do if it wasn't you", (_, build) => {
    const message = build(HOSTILE);
    expect(message.text).not.toMatch(/https?:\/\//);
    expect(message.html).not.toMatch(/<a\b|https?:\/\//);
    expect(message.text).toMatch(/If (this wasn't you|you didn't expect this)/);
    expect(message.text).not.toMatch(/token=/i);
    expectSafeHtml(message);
  });

  it("the email change notices name both addresses", () => {
    const requested = emailChangeRequestedMessage("old@example.com", "new@example.com");
    expect(requested.to).toBe("old@example.com");
    expect(requested.text).toContain("new@example.com");
    const changed = emailChangedMessage("old@example.com", "new@example.com");
    expect(changed.text).toMatch(/from old@example.com to new@example.com/);
  });

  it("the recovery code notice counts what is left", () => {
    expect(recoveryCodeUsedMessage("a@example.com", 5).text).toContain("You have 5 recovery codes left.");
    expect(recoveryCodeUsedMessage("a@example.com", 1).text).toContain("You have 1 recovery code left.");
    expect(recoveryCodeUsedMessage("a@example.com", 0).text).toContain("You have no recovery codes left");
  });

  it("the role notice names the role", () => {
    expect(roleChangedMessage("a@example.com", "admin").text).toMatch(/to administrator/);
    expect(roleChangedMessage("a@example.com", "user").text).toMatch(/to regular user/);
  });
});
