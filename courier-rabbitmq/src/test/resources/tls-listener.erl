Opts = [{cacertfile, "@DIR@/ca.crt"}, {certfile, "@DIR@/server.crt"}, {keyfile, "@DIR@/server.key"},
        {verify, verify_peer}, {fail_if_no_peer_cert, @REQUIRED@}],
rabbit_networking:ensure_ssl(),
rabbit_networking:start_ssl_listener({"@HOST@", @PORT@}, rabbit_networking:fix_ssl_options(Opts), 10).
