/**
 * Hides the secrets a URL may carry before it is logged or printed: the `sig` of a signed
 * recording link (whoever reads the log could fetch the recording) and the password of
 * `user:password@host` (shown as `user:***`), and the `k` of a kiosk link (it opens a wallboard).
 */
const SECRET_PARAMS = /([?&](?:sig|signature|token|api_key|apikey|key|password|k)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  const noParams = url.replace(SECRET_PARAMS, '$1***');
  return noParams.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@?#\s]*)@/i, (_all, scheme: string, userInfo: string) => {
    const colon = userInfo.indexOf(':');
    return `${scheme}${colon < 0 ? userInfo : `${userInfo.slice(0, colon)}:***`}@`;
  });
}
