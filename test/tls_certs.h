/* Certificates for test_tls.c's on-demand anchor tests, made with
 * openssl on 2026-11-23, valid for 20 years (EC P-256): a root, a second
 * root with the same DN and another key, two unrelated roots, an
 * intermediate under the root and a leaf for test.example under it,
 * with the leaf's key.  MIT licensed, see LICENSE. */
static const char pem_root[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBcDCCARigAwIBAgIUALsj6/R3/MR8Hgw9fbQWszLGaVcwCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMTGF6eSBSb290IENBMB4XDTI2MTEyMzE1MDIzNloXDTQ2MTEx\n"
    "ODE1MDIzNlowFzEVMBMGA1UEAwwMTGF6eSBSb290IENBMFkwEwYHKoZIzj0CAQYI\n"
    "KoZIzj0DAQcDQgAE23eY62HZZyquihTxuqgUtR1VeI0A2x8nW0bHUycivhm8bE6A\n"
    "rriSD7hQhRYqAJgV4kUegC6ot9P/ZJNffjWEcaNCMEAwDwYDVR0TAQH/BAUwAwEB\n"
    "/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFHtJc2I7+MM6Pj+JjT0GSVZwRWhf\n"
    "MAoGCCqGSM49BAMCA0YAMEMCHwrsnRYf2NQkhULjG1pZxr9dFzP0Avsjg4kGYxJv\n"
    "ts8CIFZFEUJnpNhz4T+71ymxCHgUM81MUIDjlVZuf4DPJGao\n"
    "-----END CERTIFICATE-----\n";
static const char pem_root2[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBcjCCARigAwIBAgIUdI/2jwZc8L3jnqpdGhvBqVjLMDswCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMTGF6eSBSb290IENBMB4XDTI2MTEyMzE1MDI0MVoXDTQ2MTEx\n"
    "ODE1MDI0MVowFzEVMBMGA1UEAwwMTGF6eSBSb290IENBMFkwEwYHKoZIzj0CAQYI\n"
    "KoZIzj0DAQcDQgAEoiW71eElmyXZudjtNUkkP+mMnYseS2+zCZNSyX/Tlhi+Tuo/\n"
    "toxjFfUovivkWPe5YPKEvXP72PD/B4eYui1YhKNCMEAwDwYDVR0TAQH/BAUwAwEB\n"
    "/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFGGaCT2cQ1mlm56GZ3xaJytRoKzo\n"
    "MAoGCCqGSM49BAMCA0gAMEUCID8f1v+nXCVKeUlBQrLoPH53SC/Fr+2UpgEIH+eA\n"
    "KDCoAiEAo8j0A80DlxVh2VzXV06tzVZyTMIgUGrBMskk3VzlyEw=\n"
    "-----END CERTIFICATE-----\n";
static const char pem_other1[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBdTCCARygAwIBAgIUNtLUXjbD8qBEGpR1UlYi1ni9b7wwCgYIKoZIzj0EAwIw\n"
    "GTEXMBUGA1UEAwwOT3RoZXIgUm9vdCBPbmUwHhcNMjYxMTIzMTUwMjM2WhcNNDYx\n"
    "MTE4MTUwMjM2WjAZMRcwFQYDVQQDDA5PdGhlciBSb290IE9uZTBZMBMGByqGSM49\n"
    "AgEGCCqGSM49AwEHA0IABOM/alswyYgY/bLuJ3yDFcBKQsjOr7w9HTqAMlcQEeOq\n"
    "aZJyNIeFm7afUFs0mRHKNX5DHLXxv4GIvxEztXj/mGijQjBAMA8GA1UdEwEB/wQF\n"
    "MAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBR/U+Wt9qfhuCRIavqw4qzj\n"
    "nij+9DAKBggqhkjOPQQDAgNHADBEAiBfOYv02+lPxDmmpZ70Loa8wkxm75PzEwOl\n"
    "jttp55yCzQIgSm8AlBPfBDE9uYeR8YIkYKgaUf5QllwBlliVzy+eLEo=\n"
    "-----END CERTIFICATE-----\n";
static const char pem_other2[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBdTCCARygAwIBAgIUbv62qjxBReYEmbzh9iI154p1XSUwCgYIKoZIzj0EAwIw\n"
    "GTEXMBUGA1UEAwwOT3RoZXIgUm9vdCBUd28wHhcNMjYxMTIzMTUwMjM2WhcNNDYx\n"
    "MTE4MTUwMjM2WjAZMRcwFQYDVQQDDA5PdGhlciBSb290IFR3bzBZMBMGByqGSM49\n"
    "AgEGCCqGSM49AwEHA0IABBBpySdSSJmxx99VnVo+0B/wnNjhbb8ALmFVmeW5lbho\n"
    "rdbblvidFz7JSgZzbF0qo+32WlZGg1U6GE83JSy7+rWjQjBAMA8GA1UdEwEB/wQF\n"
    "MAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBTSz3HITu0eRZt6XRq1GZbK\n"
    "iLqPMjAKBggqhkjOPQQDAgNHADBEAiB8DJoFuhyVdzeU9q5AW8viit2hn+HYW/iE\n"
    "P7e5BZ69TAIgN08QXCibNGVCY/aTiF44kRTWXXrQMrzrgUjEPrCiL+o=\n"
    "-----END CERTIFICATE-----\n";
static const char pem_inter[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBmjCCAUGgAwIBAgIUbwpAHc7mXERFb2rqtAAv2e7A3hkwCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMTGF6eSBSb290IENBMB4XDTI2MTEyMzE1MDIzNloXDTQ2MTEx\n"
    "ODE1MDIzNlowHzEdMBsGA1UEAwwUTGF6eSBJbnRlcm1lZGlhdGUgQ0EwWTATBgcq\n"
    "hkjOPQIBBggqhkjOPQMBBwNCAARTTd0+L3AEnU0KSy3CwQ9ZJsYe6oSrpMEfR+G+\n"
    "i0htAvLR5AF0F2C3mlV5roZub09omMn4SMtbGPznkP0eiRc9o2MwYTAPBgNVHRMB\n"
    "Af8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUfE9OJsptXfNX8vnr\n"
    "3Z7erTHE3kowHwYDVR0jBBgwFoAUe0lzYjv4wzo+P4mNPQZJVnBFaF8wCgYIKoZI\n"
    "zj0EAwIDRwAwRAIgBjAgHT3aA3UzA3EYx/I7OQS/Pt9XJl2aYKPB2YzkLJ0CICTu\n"
    "XDCmg9utgDFSR+JlLfUBilYqIG5ZBQPk3mbz+zf+\n"
    "-----END CERTIFICATE-----\n";
static const char pem_leaf[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBsjCCAVmgAwIBAgIUWg2BRpCckb03errLPnHlqf4GXQowCgYIKoZIzj0EAwIw\n"
    "HzEdMBsGA1UEAwwUTGF6eSBJbnRlcm1lZGlhdGUgQ0EwHhcNMjYxMTIzMTUwMjM2\n"
    "WhcNNDYxMTE4MTUwMjM2WjAXMRUwEwYDVQQDDAx0ZXN0LmV4YW1wbGUwWTATBgcq\n"
    "hkjOPQIBBggqhkjOPQMBBwNCAARBY3+q06HDtG0XTYEwYrRovrr904c5CVeCz5dp\n"
    "OsmM52rP0DbML2rhAnyrzt6XrkjQihT8Kngih77iLIP7LBgEo3sweTAJBgNVHRME\n"
    "AjAAMBcGA1UdEQQQMA6CDHRlc3QuZXhhbXBsZTATBgNVHSUEDDAKBggrBgEFBQcD\n"
    "ATAdBgNVHQ4EFgQULYmsNdlUR3xOSp4v4sccDoTF71YwHwYDVR0jBBgwFoAUfE9O\n"
    "JsptXfNX8vnr3Z7erTHE3kowCgYIKoZIzj0EAwIDRwAwRAIgA2a7OdTq1h0b5DD+\n"
    "aT2hj1uZ330ELSDIlZRQx6kq6VYCIAI5mavbYV2BBQGm1+iwDZbl4mRdzZrKHsNE\n"
    "wabFOHDs\n"
    "-----END CERTIFICATE-----\n";
static const char pem_leaf_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg78ywa10HTT4A9KwQ\n"
    "dNu+LqaccluHRut6u11ZhvhuznWhRANCAARBY3+q06HDtG0XTYEwYrRovrr904c5\n"
    "CVeCz5dpOsmM52rP0DbML2rhAnyrzt6XrkjQihT8Kngih77iLIP7LBgE\n"
    "-----END PRIVATE KEY-----\n";
/* 2026-11-24 00:00:00 UTC: inside every validity period above */
#define CERTS_NOW 1795478400
