// The CSRF token of the current session, kept outside React so api() can read it.
let token: string | undefined;
export const getCsrfToken = () => token;
export const setCsrfToken = (t: string | undefined) => {
  token = t;
};
