#!/usr/bin/env bash
# Accounts and admin sessions (issue 6): `newsdesk user` reads passwords
# from standard input; the login form carries a CSRF token; a wrong
# password gets one generic message; N failures lock a login (known or
# not) for a while, across a restart; the session cookie's flags; the
# session id is rotated at login; logout, logout everywhere and
# `user remove` end sessions; /admin answers are never stored or framed.
. "$(dirname "$0")/lib/common.sh"

# Low argon2id limits: the suite runs under ASan too (src/admin/password.h).
export ND_TEST_FAST_HASH=1
PW='correct horse battery staple'
user() { "$ND_BIN" user "$@" --db "$DB" 2>"$TMP/user.err"; }

# --- the CLI ---
echo "$PW" | user add Alice --role editor --name "Alice Adams" >/dev/null
check "user add reads the password from stdin" test $? -eq 0
echo "$PW" | user add alice >/dev/null
check "a duplicate login (other case) fails with 1" test $? -eq 1
check "it is named" grep -q "already a user 'alice'" "$TMP/user.err"
echo "short" | user add bob >/dev/null
check "a weak password fails with 1" test $? -eq 1
check "it says why" grep -q "too short" "$TMP/user.err"
echo "$PW" | user add bob --role boss >/dev/null
check "an unknown role is a usage error (2)" test $? -eq 2
check "it is named" grep -q "unknown role 'boss'" "$TMP/user.err"
echo "$PW" | user add bob --role author >/dev/null
check "a second user" test $? -eq 0
user list >"$TMP/list"
check "user list shows a header" grep -q "^LOGIN .*ROLE .*LAST LOGIN" "$TMP/list"
check "user list shows alice, her name and role" grep -qE "^alice +Alice Adams +editor .* never +no$" "$TMP/list"
check "user list shows bob" grep -qE "^bob +- +author" "$TMP/list"
check "no password hash in the list" test "$(grep -c argon2 "$TMP/list")" = 0
check "the stored password is an argon2id hash" \
	test "$(db_query "SELECT substr(password, 1, 10) FROM users WHERE login = 'alice'")" = '$argon2id$'

start_server --login-limit-ip 0 --login-limit-login 0 --login-lockout-seconds 10 || exit 1

# form_csrf JAR: loads the login page with JAR, sets CSRF from its hidden field.
form_csrf() {
	fetch /admin/login -c "$1" -b "$1"
	CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body")
}
# login JAR USER PASSWORD: posts the login form; STATUS, headers and body as fetch.
login() {
	form_csrf "$1"
	fetch /admin/login -c "$1" -b "$1" --data-urlencode "csrf=$CSRF" \
		--data-urlencode "login=$2" --data-urlencode "password=$3"
}
# post_form PATH JAR: posts the page's own form (its CSRF field) to PATH.
post_form() {
	fetch /admin -b "$2"
	local c
	c=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body" | head -n1)
	fetch "$1" -c "$2" -b "$2" --data-urlencode "csrf=$c"
}

# --- the login page ---
fetch /admin
expect_status 303 "/admin without a session"
expect_header Location '^/admin/login\?next=%2Fadmin$' "to the login page"
expect_header Cache-Control '^no-store$' "a redirect from /admin is not stored"
fetch /admin/login -c "$TMP/j0"
expect_status 200 "the login page"
expect_body '<form method="post" action="/admin/login">' "a plain form"
expect_body_re 'name="csrf" value="[A-Za-z0-9_-]{43}"' "with a CSRF field"
expect_body 'name="password"' "and a password field"
expect_header Cache-Control '^no-store$' "the login page is not stored"
expect_header X-Frame-Options '^DENY$' "nor framed"
expect_header Content-Security-Policy "frame-ancestors 'none'" "nor framed (CSP)"
expect_header Content-Security-Policy "default-src 'none'" "nothing but its own loads (CSP)"
expect_header Content-Security-Policy "form-action 'self'" "forms post only here (CSP)"
expect_header Set-Cookie '^nd_lf=.*Path=/admin.*HttpOnly.*SameSite=Strict' "the form's cookie"

# --- CSRF ---
fetch /admin/login -b "$TMP/j0" --data-urlencode login=alice --data-urlencode "password=$PW"
expect_status 403 "a login POST without a CSRF token"
expect_body "security token is missing or wrong" "says why"
fetch /admin/login -b "$TMP/j0" --data-urlencode "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
	--data-urlencode login=alice --data-urlencode "password=$PW"
expect_status 403 "a login POST with a forged token"
form_csrf "$TMP/j0"
fetch /admin/login -b "$TMP/j0" -H "Origin: http://evil.example" --data-urlencode "csrf=$CSRF" \
	--data-urlencode login=alice --data-urlencode "password=$PW"
expect_status 403 "a login POST from another site"
check "no session from it" test "$(header Set-Cookie | grep -c nd_s=)" = 0

# --- wrong passwords: one message ---
login "$TMP/j1" alice 'wrong password!'
expect_status 401 "a wrong password"
expect_body "Wrong login or password." "the generic message"
login "$TMP/j1" nobody 'wrong password!'
expect_status 401 "an unknown login"
expect_body "Wrong login or password." "the same message"

form_csrf "$TMP/j1"
fetch /admin/login -b "$TMP/j1" --data-urlencode "csrf=$CSRF" --data "login=%ff%fe&password=x" \
	--data-urlencode "next=/admin/%ff"
expect_status 401 "a login that is not UTF-8 is just wrong"
fetch /admin/login -b "$TMP/j1" --data-urlencode "csrf=$CSRF" --data "login=alice"
expect_status 400 "a form without a password"

# --- login: the session cookie, rotated ---
printf '127.0.0.1\tFALSE\t/admin\tFALSE\t0\tnd_s\tplanted-by-an-attacker\n' >"$TMP/ja"
login "$TMP/ja" ALICE "$PW"
expect_status 303 "the right password (login in capitals)"
expect_header Location '^/admin$' "to the admin"
check "the session cookie and its flags (no Secure on http)" grep -qE \
	'^Set-Cookie: nd_s=[A-Za-z0-9_-]{43}; Path=/admin; Max-Age=[0-9]+; HttpOnly; SameSite=Strict.?$' "$TMP/headers"
check "the login form's cookie is cleared" grep -qE '^Set-Cookie: nd_lf=; Path=/admin; Max-Age=0' "$TMP/headers"
check "the planted session id is not kept" test "$(grep -c planted "$TMP/ja")" = 0
fetch /admin -b "$TMP/ja"
expect_status 200 "/admin with the session"
expect_body "Logged in as <strong>Alice Adams</strong> (<code>alice</code>), role <strong>editor</strong>" \
	"who is logged in"
expect_body "publish articles: yes" "an editor may publish"
expect_body "manage users: no" "but not manage users"
expect_header Cache-Control '^no-store$' "/admin is not stored"
expect_header X-Frame-Options '^DENY$' "nor framed"
check "no visitor cookie in the admin" test "$(grep -c nd_v "$TMP/headers")" = 0
check "the store has the hash of the token, not the token" \
	test "$(db_query "SELECT count(*) FROM sessions WHERE id = $(db_blob "$(awk '$6 == "nd_s" {print $7}' "$TMP/ja")")")" = 0
fetch /admin/login -b "$TMP/ja"
expect_status 303 "the login page, logged in"
# The next page is kept, but only within the admin.
form_csrf "$TMP/jn"
fetch /admin/login -b "$TMP/jn" -c "$TMP/jn" --data-urlencode "csrf=$CSRF" --data-urlencode login=alice \
	--data-urlencode "password=$PW" --data-urlencode "next=//evil.example/admin"
expect_header Location '^/admin$' "an off-site next is ignored"
check "a last login in the list" test "$(user list | grep -c '^alice .* never')" = 0

# --- logout ---
fetch /admin/logout -b "$TMP/ja" -X POST
expect_status 403 "logout without a CSRF token"
fetch /admin -b "$TMP/ja"
expect_status 200 "the session still works"
post_form /admin/logout "$TMP/ja"
expect_status 303 "logout"
expect_header Location '^/admin/login$' "to the login page"
expect_header Set-Cookie '^nd_s=; Path=/admin; Max-Age=0' "the cookie is cleared"
fetch /admin -H "Cookie: nd_s=$(awk '$6 == "nd_s" {print $7}' "$TMP/jn")"
expect_status 200 "another session is untouched"

# --- logout everywhere ---
login "$TMP/jb" alice "$PW"
cp "$TMP/jb" "$TMP/jb-copy"
login "$TMP/jc" alice "$PW"
post_form /admin/logout-all "$TMP/jc"
expect_status 303 "log out everywhere"
fetch /admin -b "$TMP/jb-copy"
expect_status 303 "another session of the user has ended"
fetch /admin -b "$TMP/jn"
expect_status 303 "and another"
check "no session of alice is left" \
	test "$(db_query "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.login = 'alice'")" = 0

# --- a new password ends every session of the account ---
login "$TMP/jbob" bob "$PW"
expect_status 303 "bob logs in"
fetch /admin -b "$TMP/jbob"
expect_status 200 "bob's session works"
echo "another password 2" | user passwd bob >/dev/null
check "user passwd" test $? -eq 0
fetch /admin -b "$TMP/jbob"
expect_status 303 "a new password ends bob's session"
echo "$PW" | user passwd bob >/dev/null

# --- user remove ends the user's sessions ---
login "$TMP/jbob" bob "$PW"
expect_status 303 "bob logs in"
fetch /admin -b "$TMP/jbob"
expect_body "role <strong>author</strong>" "as an author"
expect_body "publish articles: no" "who may not publish"
user remove bob >/dev/null
check "user remove" test $? -eq 0
fetch /admin -b "$TMP/jbob"
expect_status 303 "bob's session has ended"
check "no session of bob is left" test "$(db_query "SELECT count(*) FROM sessions")" = 0
user remove bob >/dev/null
check "removing an unknown user fails with 1" test $? -eq 1

# --- lockout: 5 failures, known login or not ---
for i in 1 2 3 4; do login "$TMP/jl" alice "wrong password $i"; done
expect_status 401 "the 4th failure"
login "$TMP/jl" alice "wrong password 5"
expect_status 429 "the 5th failure locks"
expect_body "Too many failed logins" "the lockout message"
expect_body_re "blocked until [0-9]{2}:[0-9]{2}:[0-9]{2} UTC" "says when to retry"
expect_header Retry-After '^([1-9]|10)$' "and Retry-After"
login "$TMP/jl" alice "$PW"
expect_status 429 "locked even with the right password"
stop_server
start_server --login-limit-ip 0 --login-limit-login 0 --login-lockout-seconds 10 || exit 1
login "$TMP/jl" alice "$PW"
expect_status 429 "the lock survives a restart"
WAIT=$(header Retry-After)
check "user list shows the lock" grep -qE "^alice .* locked$" <(user list)
for i in 1 2 3 4 5; do login "$TMP/jl" nobody "wrong password $i"; done
expect_status 429 "an unknown login locks the same way"
expect_body "Too many failed logins" "with the same message"
sleep "${WAIT:-10}"
login "$TMP/jl" alice "$PW"
expect_status 303 "the right password once the lock is over"
stop_server

# --- rate limit per address ---
start_server --login-limit-ip 2 || exit 1
login "$TMP/jr" x1 'wrong password'
login "$TMP/jr" x2 'wrong password'
login "$TMP/jr" x3 'wrong password'
expect_status 429 "the 3rd attempt in a minute from one address"
expect_body "Too many login attempts" "says so"
stop_server

# --- Secure on https ---
start_server --site-url https://news.example --login-limit-ip 0 || exit 1
login "$TMP/js" alice "$PW"
expect_status 303 "login behind https"
check "the cookie is Secure" grep -qE '^Set-Cookie: nd_s=.*HttpOnly; SameSite=Strict; Secure.?$' "$TMP/headers"
finish
