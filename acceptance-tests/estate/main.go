// Command estate writes a NATS decentralized-auth estate the way nsc does, with the
// reference implementation (nats-io/jwt v2 and nats-io/nkeys), and no natsforge code:
// the acceptance tests import it into Terraform to prove natsforge reads what nsc
// writes.
//
// Layout (as nsc 2.x): <out>/stores/OP/{.nsc,OP.jwt,accounts/<A>/<A>.jwt,
// accounts/<A>/users/<U>.jwt}, <out>/keys/keys/<K>/<xx>/<public>.nk,
// <out>/keys/creds/OP/<A>/<U>.creds, <out>/nsc/nsc.json (NSC_HOME). Also
// <out>/server.conf (operator, system account, full resolver preloaded with every
// account) and <out>/manifest.json (names -> public keys, for the tests).
//
// Built offline in GOPATH mode against Debian's golang-github-nats-io-{jwt,nkeys}-dev.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"
)

type estate struct {
	out      string
	keys     map[string]string // name -> public key, for the manifest
	accounts map[string]string // account name -> JWT, for the resolver preload
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "estate:", err)
		os.Exit(1)
	}
}

func (e *estate) write(data []byte, parts ...string) {
	path := filepath.Join(append([]string{e.out}, parts...)...)
	fail(os.MkdirAll(filepath.Dir(path), 0o700))
	fail(os.WriteFile(path, data, 0o600))
}

// key makes a key pair, stores its seed in the keystore and names it in the manifest.
func (e *estate) key(name string, create func() (nkeys.KeyPair, error)) nkeys.KeyPair {
	kp, err := create()
	fail(err)
	pub, err := kp.PublicKey()
	fail(err)
	seed, err := kp.Seed()
	fail(err)
	e.write(seed, "keys", "keys", pub[0:1], pub[1:3], pub+".nk")
	e.keys[name] = pub
	return kp
}

func public(kp nkeys.KeyPair) string {
	pub, err := kp.PublicKey()
	fail(err)
	return pub
}

func (e *estate) account(name string, claims *jwt.AccountClaims, signer nkeys.KeyPair) {
	claims.Name = name
	token, err := claims.Encode(signer)
	fail(err)
	e.write([]byte(token), "stores", "OP", "accounts", name, name+".jwt")
	e.accounts[claims.Subject] = token
}

func (e *estate) user(account, name string, claims *jwt.UserClaims, user, signer nkeys.KeyPair) {
	claims.Name = name
	token, err := claims.Encode(signer)
	fail(err)
	e.write([]byte(token), "stores", "OP", "accounts", account, "users", name+".jwt")
	seed, err := user.Seed()
	fail(err)
	creds, err := jwt.FormatUserConfig(token, seed)
	fail(err)
	e.write(creds, "keys", "creds", "OP", account, name+".creds")
}

func main() {
	out := flag.String("out", "", "directory to write the estate into")
	withBad := flag.Bool("with-inexpressible", false, "add account BAD whose export carries revocations")
	flag.Parse()
	if *out == "" {
		fail(fmt.Errorf("-out is required"))
	}
	e := &estate{out: *out, keys: map[string]string{}, accounts: map[string]string{}}

	operator := e.key("operator", nkeys.CreateOperator)
	opSigner := e.key("operator_signing", nkeys.CreateOperator)
	sys := e.key("SYS", nkeys.CreateAccount)
	app := e.key("APP", nkeys.CreateAccount)
	appSigner := e.key("APP_signing", nkeys.CreateAccount)
	appScoped := e.key("APP_scoped", nkeys.CreateAccount)
	other := e.key("OTHER", nkeys.CreateAccount)

	oc := jwt.NewOperatorClaims(public(operator))
	oc.Name = "OP"
	oc.SigningKeys.Add(public(opSigner))
	oc.SystemAccount = public(sys)
	oc.OperatorServiceURLs.Add("nats://127.0.0.1:4222")
	oc.AccountServerURL = "http://127.0.0.1:9090/jwt/v1"
	oc.Tags.Add("estate")
	opToken, err := oc.Encode(operator)
	fail(err)
	e.write([]byte(opToken), "stores", "OP", "OP.jwt")
	e.write([]byte(`{"managed":false,"name":"OP","kind":"operator","version":"1"}`), "stores", "OP", ".nsc")

	// SYS: as nsc init makes it.
	e.account("SYS", jwt.NewAccountClaims(public(sys)), opSigner)

	// APP: JetStream, exports, limits, signing keys (plain and scoped), mappings,
	// default permissions, revocations, tags.
	ac := jwt.NewAccountClaims(public(app))
	ac.Description = "the application account"
	ac.InfoURL = "https://example.com/app"
	ac.Tags.Add("team:payments", "prod")
	ac.Limits.Conn = 50
	ac.Limits.LeafNodeConn = -1
	ac.Limits.Subs = 1000
	ac.Limits.Payload = 1 << 20
	ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: 1 << 30, Streams: 10, Consumer: -1, MaxAckPending: 1000}
	ac.Exports.Add(&jwt.Export{Name: "orders", Subject: "orders.>", Type: jwt.Stream})
	ac.Exports.Add(&jwt.Export{Name: "private", Subject: "private.>", Type: jwt.Stream, TokenReq: true})
	ac.Exports.Add(&jwt.Export{Name: "quote", Subject: "quote", Type: jwt.Service, ResponseType: jwt.ResponseTypeStream,
		ResponseThreshold: 2 * time.Second, Latency: &jwt.ServiceLatency{Sampling: 50, Results: "quote.latency"}})
	ac.SigningKeys.Add(public(appSigner))
	scope := jwt.NewUserScope()
	scope.Key = public(appScoped)
	scope.Role = "reader"
	scope.Template.Sub.Allow.Add("orders.>")
	scope.Template.Pub.Deny.Add(">")
	scope.Template.Subs = 10
	ac.SigningKeys.AddScopedSigner(scope)
	ac.AddMapping("greet", jwt.WeightedMapping{Subject: "greet.v1", Weight: 80}, jwt.WeightedMapping{Subject: "greet.v2", Weight: 20})
	ac.DefaultPermissions.Pub.Deny.Add("admin.>")
	ac.DefaultPermissions.Resp = &jwt.ResponsePermission{MaxMsgs: 1, Expires: time.Minute}
	revoked := e.key("APP_revoked_user", nkeys.CreateUser)
	ac.RevokeAt(public(revoked), time.Unix(1700000000, 0))
	e.account("APP", ac, opSigner)

	// OTHER: imports APP's orders, tiered JetStream, a connection limit.
	oac := jwt.NewAccountClaims(public(other))
	oac.Limits.Conn = 5
	oac.Limits.JetStreamTieredLimits["R1"] = jwt.JetStreamLimits{MemoryStorage: 1 << 20, DiskStorage: 1 << 24, Streams: 3, Consumer: 9}
	oac.Imports.Add(&jwt.Import{Name: "orders", Subject: "orders.>", Account: public(app), LocalSubject: "app.orders.>", Type: jwt.Stream})
	oac.Imports.Add(&jwt.Import{Name: "quote", Subject: "quote", Account: public(app), Type: jwt.Service})
	e.account("OTHER", oac, opSigner)

	// Users.
	sysUser := e.key("sys_user", nkeys.CreateUser)
	e.user("SYS", "sys", jwt.NewUserClaims(public(sysUser)), sysUser, sys)

	appUser := e.key("app_user", nkeys.CreateUser)
	uc := jwt.NewUserClaims(public(appUser))
	uc.Pub.Allow.Add("orders.>", "quote", "greet", "_INBOX.>", "$JS.API.>")
	uc.Sub.Allow.Add("_INBOX.>", "orders.*")
	uc.Resp = &jwt.ResponsePermission{MaxMsgs: 2, Expires: 30 * time.Second}
	uc.Src.Add("127.0.0.1/32", "10.0.0.0/8")
	uc.Times = append(uc.Times, jwt.TimeRange{Start: "00:00:00", End: "23:59:59"})
	uc.Locale = "Europe/Berlin"
	uc.Limits.Subs = 100
	uc.AllowedConnectionTypes.Add(jwt.ConnectionTypeStandard)
	uc.Tags.Add("app")
	e.user("APP", "app", uc, appUser, app)

	signedUser := e.key("signed_user", nkeys.CreateUser)
	sc := jwt.NewUserClaims(public(signedUser))
	sc.IssuerAccount = public(app)
	e.user("APP", "signed", sc, signedUser, appSigner)

	scopedUser := e.key("scoped_user", nkeys.CreateUser)
	scc := jwt.NewUserClaims(public(scopedUser))
	scc.IssuerAccount = public(app)
	scc.UserPermissionLimits = jwt.UserPermissionLimits{}
	e.user("APP", "scoped", scc, scopedUser, appScoped)

	otherUser := e.key("other_user", nkeys.CreateUser)
	e.user("OTHER", "other", jwt.NewUserClaims(public(otherUser)), otherUser, other)

	if *withBad {
		bad := e.key("BAD", nkeys.CreateAccount)
		bc := jwt.NewAccountClaims(public(bad))
		export := &jwt.Export{Subject: "events.>", Type: jwt.Stream, TokenReq: true}
		export.RevokeAt(public(other), time.Unix(1700000000, 0))
		bc.Exports.Add(export)
		e.account("BAD", bc, opSigner)
	}

	storeRoot, err := filepath.Abs(filepath.Join(*out, "stores"))
	fail(err)
	config, err := json.Marshal(map[string]string{"store_root": storeRoot, "operator": "OP", "account": "APP"})
	fail(err)
	e.write(config, "nsc", "nsc.json")

	var conf strings.Builder
	fmt.Fprintf(&conf, "operator: %q\nsystem_account: %q\n", opToken, public(sys))
	conf.WriteString("resolver {\n  type: full\n  dir: \"{{dir}}/jwt\"\n  allow_delete: true\n}\nresolver_preload {\n")
	subjects := make([]string, 0, len(e.accounts))
	for subject := range e.accounts {
		subjects = append(subjects, subject)
	}
	sort.Strings(subjects)
	for _, subject := range subjects {
		fmt.Fprintf(&conf, "  %s: %q\n", subject, e.accounts[subject])
	}
	conf.WriteString("}\n")
	e.write([]byte(conf.String()), "server.conf")

	manifest, err := json.MarshalIndent(e.keys, "", "  ")
	fail(err)
	e.write(manifest, "manifest.json")
}
