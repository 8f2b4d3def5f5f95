/**
 * A certificate and key for an https server on 127.0.0.1 in the tests, made once with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1`
 * (valid to 2126) and kept here, so that the suite needs no openssl. Trusted only by the test process's own agent; it guards nothing.
 */
export const LOOPBACK_TLS = {
  cert: `-----BEGIN CERTIFICATE-----
MIIBkDCCATagAwIBAgIUVofK/teaqM1AiTh7MxMRAxDuW3EwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTIwNzIxMTkyNVoYDzIxMjYxMTEz
MjExOTI1WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT/ucYEJ5Ai2Yql6n1iQuCK7uLWkscJ90uHiKgkYgWCShcyQxsKh8gD
ErEvoxnsRBGyU/HjVd8pUxrcwEyK2Hp3o2QwYjAdBgNVHQ4EFgQUSU6nEw3XTIpk
gVceyfBiLZqCyG0wHwYDVR0jBBgwFoAUSU6nEw3XTIpkgVceyfBiLZqCyG0wDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC
ICKZ8NJvn9zQvXyFYjb8jI4iFChYuZ6VRr7FgF5kRt+LAiEAr3Mg5v8ujjf2JDvO
OlkBaUOujUgYymX6u39+0qM4TeI=
-----END CERTIFICATE-----
`,
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg14HTp2uckj+LSmU1
d+FxrrPBltYVwOaaTAB5722ytryhRANCAAT/ucYEJ5Ai2Yql6n1iQuCK7uLWkscJ
90uHiKgkYgWCShcyQxsKh8gDErEvoxnsRBGyU/HjVd8pUxrcwEyK2Hp3
-----END PRIVATE KEY-----
`,
};
