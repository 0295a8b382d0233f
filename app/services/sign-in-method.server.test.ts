import { describe, expect, it } from "vitest";
import type { OidcProviderSettings, SignInSettings } from "../../server/env";
import { chooseSignInMethod } from "./sign-in-method.server";

const provider = (id: "staff" | "guardian"): OidcProviderSettings => ({
  id,
  issuer: `https://${id}.example`,
  clientId: "iup",
  scopes: "openid",
  match: "email",
  claim: "email",
  roles: id === "staff" ? ["staff", "pupil"] : ["guardian"],
});
const both: SignInSettings = { passwordRoles: ["staff", "pupil", "guardian"], providers: [provider("staff"), provider("guardian")] };

describe("chooseSignInMethod: how a person proves who they are again", () => {
  it("sends someone who came in through a provider back to it, even with a password", () => {
    expect(chooseSignInMethod({ roles: ["guardian"], hasPassword: true, sessionProvider: "guardian" }, both)).toEqual({ kind: "provider", provider: "guardian" });
  });

  it("uses the password of someone who signed in with one", () => {
    expect(chooseSignInMethod({ roles: ["staff"], hasPassword: true, sessionProvider: null }, both)).toEqual({ kind: "password" });
  });

  it("uses the provider for the person's role when they have no password", () => {
    expect(chooseSignInMethod({ roles: ["pupil"], hasPassword: false, sessionProvider: null }, both)).toEqual({ kind: "provider", provider: "staff" });
    expect(chooseSignInMethod({ roles: ["guardian"], hasPassword: false, sessionProvider: null }, both)).toEqual({ kind: "provider", provider: "guardian" });
  });

  it("does not use a password when password sign-in is off for any of the person's roles", () => {
    const guardiansOnly: SignInSettings = { ...both, passwordRoles: ["guardian"] };
    expect(chooseSignInMethod({ roles: ["staff", "guardian"], hasPassword: true, sessionProvider: null }, guardiansOnly)).toEqual({ kind: "provider", provider: "staff" });
  });

  it("ignores a session provider that no longer serves the person, and says none when nothing does", () => {
    const noProviders: SignInSettings = { passwordRoles: ["staff"], providers: [] };
    expect(chooseSignInMethod({ roles: ["guardian"], hasPassword: true, sessionProvider: "guardian" }, noProviders)).toEqual({ kind: "none" });
    expect(chooseSignInMethod({ roles: ["guardian"], hasPassword: false, sessionProvider: "staff" }, both)).toEqual({ kind: "provider", provider: "guardian" });
    expect(chooseSignInMethod({ roles: [], hasPassword: true, sessionProvider: null }, both)).toEqual({ kind: "none" });
  });
});
