/**
 * Data for the guessability estimate (entropy.ts): common passwords and words people put in
 * credentials, most common first (the rank is the estimate: the n-th entry costs log2(n) bits).
 * Kept small on purpose: it is a floor against the values tried first, not a cracking dictionary;
 * anything not here is still priced by its length and character classes. Lowercase, no digits or
 * symbols (those are priced as PINs, dates, sequences and leet substitutions).
 */
export const GUESSABLE_WORDS = `
password qwerty letmein dragon baseball football monkey shadow master superman iloveyou trustno
welcome admin login secret hello charlie sunshine princess starwars freedom whatever passw
changeme default root test guest user demo pass token key api access abc qwertz azerty
michael mustang jordan jennifer hunter buster soccer harley batman andrew tigger robert thomas
hockey ranger daniel george computer michelle jessica pepper maggie ginger joshua cheese amanda
summer winter spring autumn love ashley nicole chelsea matthew yankees dallas austin thunder
taylor matrix killer jasper internet service server system manager office company secure
security private public example sample temp local dev prod production staging development
live online market money flower orange purple silver golden diamond banana apple lemon coffee
cookie chocolate pizza family friend friends forever heaven angel magic blue green black white
red yellow january february march april may june july august september october november
december monday tuesday wednesday thursday friday saturday sunday london paris berlin
tokyo china india america canada mexico brazil spain france germany italy russia poland
soleil bonjour hallo passwort contrasena senha parola haslo salasana wachtwoord
god jesus angel devil lucky happy smile qazwsx asdf zxcv asdfgh zxcvbn zaq wsx
cat dog tiger lion bear wolf eagle horse fish bird snake dolphin
one two three four five six seven eight nine ten zero first second third
value version new old my your our the this that and for with
database mysql postgres oracle redis mongo cloud amazon google microsoft apple github gitlab
slack stripe openai anthropic jira twilio sendgrid pinecone
`
  .split(/\s+/)
  .filter((w) => w.length > 0);
