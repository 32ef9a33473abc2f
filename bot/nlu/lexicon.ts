/**
 * The vocabulary the normaliser and the features use. Plain data, so operators can extend it;
 * the model cache notices any change (its hash covers the training features these produce).
 */

/** Chat spellings and short forms → the word(s) they stand for. Applied to single words, before phrases. */
export const SHORT_FORMS: Record<string, string> = {
  sy: 'saya', sye: 'saya', saye: 'saya', sya: 'saya', aku: 'saya', ak: 'saya', i: 'saya', me: 'saya', nk: 'nak', nakk: 'nak', hendak: 'nak',
  ingin: 'nak', mahu: 'nak', mau: 'nak', want: 'nak', wanna: 'nak', wan: 'nak', x: 'tak', tk: 'tak', tdk: 'tak', tidak: 'tak', ta: 'tak',
  xde: 'tak ada', takde: 'tak ada', tiada: 'tak ada', xda: 'tak ada', xleh: 'tak boleh', xboleh: 'tak boleh', tkleh: 'tak boleh', xbole: 'tak boleh',
  xdapat: 'tak dapat', xdpt: 'tak dapat', xjadi: 'tak jadi', dgn: 'dengan', dg: 'dengan', ngan: 'dengan', utk: 'untuk', utuk: 'untuk', untk: 'untuk',
  tuk: 'untuk', yg: 'yang', yng: 'yang', tu: 'itu', ni: 'ini', nie: 'ini', dh: 'dah', sdh: 'dah', sudah: 'dah', udah: 'dah', blh: 'boleh',
  bleh: 'boleh', bole: 'boleh', leh: 'boleh', bley: 'boleh', dpt: 'dapat', dapt: 'dapat', mcm: 'macam', cmne: 'macam mana', camne: 'macam mana',
  camana: 'macam mana', macamana: 'macam mana', mcmna: 'macam mana', mcmne: 'macam mana', bgmn: 'bagaimana', mne: 'mana', mna: 'mana',
  cane: 'macam mana', gane: 'macam mana', tlg: 'tolong', tolg: 'tolong', tq: 'terima kasih', tqvm: 'terima kasih', tenkiu: 'terima kasih',
  trimas: 'terima kasih', thx: 'thanks', thnks: 'thanks', ty: 'thanks', kt: 'kat', dkt: 'kat', dekat: 'kat', pd: 'pada', sbb: 'sebab', sbab: 'sebab',
  knp: 'kenapa', npe: 'kenapa', napa: 'kenapa', apsal: 'kenapa', lg: 'lagi', lgi: 'lagi', bile: 'bila', bla: 'bila', mintak: 'minta', mntk: 'minta',
  tgk: 'tengok', tngok: 'tengok', jd: 'jadi', jdi: 'jadi', org: 'orang', ore: 'orang', ssh: 'susah', ckp: 'cakap', ckap: 'cakap', cakp: 'cakap',
  bg: 'bagi', bgi: 'bagi', ade: 'ada', ad: 'ada', ilang: 'hilang', hlg: 'hilang', hilng: 'hilang', rusak: 'rosak', rsk: 'rosak',
  dah_expired: 'expired', exp: 'expired', xpired: 'expired', expird: 'expired', baharu: 'baru', bru: 'baru', br: 'baru', pembaharuan: 'renew',
  perbaharui: 'renew', baharui: 'renew', memperbaharui: 'renew', perbaharu: 'renew', diperbaharui: 'renew', memperbaharu: 'renew', renewal: 'renew',
  renewkan: 'renew', renewing: 'renew', renw: 'renew', rnew: 'renew', perlukan: 'perlu', memerlukan: 'perlu', diperlukan: 'perlu', keperluan: 'perlu',
  mempunyai: 'ada', punyai: 'ada', mendapatkan: 'dapatkan', dapatkn: 'dapatkan', stole: 'stolen', steal: 'stolen', cracked: 'broken',
  crushed: 'broken', retak: 'rosak', renews: 'renew', revoking: 'revoke', revokes: 'revoke', deactivated: 'deactivate', come: 'datang', mai: 'datang',
  dtg: 'datang', dtng: 'datang', blm: 'belum', blum: 'belum', lom: 'belum', smlm: 'semalam', esok: 'esok', td: 'tadi', tdi: 'tadi', pencen: 'bersara',
  retire: 'bersara', retiring: 'bersara', retired: 'bersara', resign: 'bersara', resigned: 'bersara', persaraan: 'bersara', lapse: 'expired',
  lapses: 'expired', lapsed: 'expired', expires: 'expired', luputkan: 'luput', tamatnya: 'tamat', xpayah: 'tak payah', tkpayah: 'tak payah',
  sudahlah: 'sudah_lah', dahlah: 'sudah_lah', berpindah: 'pindah', transferred: 'transfer', moved: 'pindah', disambung: 'renew',
  disambungkan: 'renew', dilanjutkan: 'lanjut', sambungan: 'renew', membaharui: 'renew', memperbaharuinya: 'renew', u: 'you', ur: 'your',
  pls: 'please', plz: 'please', plis: 'please', pliss: 'please', cnt: 'cannot', cant: 'cannot', dont: 'do not', wont: 'will not', im: 'saya',
  hw: 'how', wat: 'what', wht: 'what', abt: 'about', msg: 'message', info: 'information', appl: 'apply', cert: 'sijil', certs: 'sijil',
  certificate: 'sijil', certificates: 'sijil', sert: 'sijil', serti: 'sijil', sijl: 'sijil', sjil: 'sijil', cerificate: 'sijil', certifikat: 'sijil',
  sijil2: 'sijil', ic: 'mykad', kp: 'mykad', nric: 'mykad', mycard: 'mykad', appt: 'appointment', svr: 'server', srvr: 'server', sever: 'server',
  serve: 'server', pelayan: 'server', ejen: 'agent', agen: 'agent', ajen: 'agent', manusia: 'human', live: 'human', bm: 'melayu', bi: 'english',
  eng: 'english', inggeris: 'english', inggris: 'english', malay: 'melayu', assalamualaikum: 'salam', assalamulaikum: 'salam', askum: 'salam',
  slm: 'salam', salaam: 'salam', hai: 'hi', helo: 'hello', hye: 'hi', hey: 'hi', hii: 'hi', hallo: 'hello',
};

/** Multi-word expressions read as one token (after short forms): "macam mana" → macam_mana. */
export const PHRASES: string[] = [
  'sijil digital pengguna', 'sijil digital pelayan', 'sijil digital latihan', 'sijil digital', 'digital sijil', 'macam mana', 'tak boleh',
  'tak dapat', 'tak jadi', 'tak nak', 'tak ada', 'tak berfungsi', 'tak function', 'not working', 'does not work', 'do not work', 'khidmat nasihat',
  'khidmat sokongan', 'sokongan teknikal', 'tarik balik', 'kad pintar', 'smart card', 'tamat tempoh', 'habis tempoh', 'luput tempoh', 'laman web',
  'nama domain', 'domain name', 'multi domain', 'on site', 'turun padang', 'face to face', 'in person', 'selamat pagi', 'selamat petang',
  'selamat tengahari', 'selamat tengah hari', 'selamat malam', 'good morning', 'good afternoon', 'good evening', 'terima kasih', 'thank you',
  'never mind', 'forget it', 'no need', 'tak payah', 'tak perlu', 'bahasa melayu', 'bahasa malaysia', 'bahasa english', 'bahasa inggeris', 'no siri',
  'serial number', 'soft cert', 'roaming id', 'live chat', 'real person', 'customer service', 'khidmat pelanggan', 'help desk', 'meja bantuan',
  'what can you do', 'apa boleh buat', 'apa yang boleh', 'sampai mana', 'kunci persendirian', 'kunci peribadi', 'private key', 'sign up', 'log masuk',
  'log in', 'sign in', 'muat turun', 'muat naik', 'kata laluan', 'runs out', 'ran out', 'run out', 'hampir tamat', 'hampir habis', 'nak tamat',
  'nak habis', 'no longer', 'not needed', 'not required', 'tak guna', 'changed my mind', 'ubah fikiran', 'good day', 'berhenti kerja', 'apa khabar',
  'web server', 'kad perubatan', 'set semula', 'tetapkan semula',
];

/**
 * Words that mean the same for intent recognition → one feature per concept. Only clear
 * synonyms: ambiguous words ("tukar", "update", "permohonan") stay themselves and the
 * classifier weighs them. A word listed under two concepts gives both features.
 */
const CONCEPT_WORDS: Record<string, string[]> = {
  '#cert': ['sijil', 'sijil_digital', 'digital_sijil', 'sijil_digital_pengguna', 'sijil_digital_pelayan', 'sijil_digital_latihan'],
  '#user': ['sijil_digital_pengguna', 'pengguna', 'user', 'personal', 'peribadi', 'individu', 'individual'],
  '#server': ['sijil_digital_pelayan', 'server', 'ssl', 'tls', 'https', 'website', 'web', 'laman_web', 'wildcard', 'multi_domain', 'fqdn',
    'web_server', 'domain', 'nama_domain', 'domain_name', '_domain_', 'csr', 'apache', 'nginx', 'iis', 'hosting', 'portal', 'san'],
  '#training': ['sijil_digital_latihan', 'latihan', 'ujian', 'training', 'test', 'testing', 'uat', 'sandbox', 'staging', 'percubaan', 'trial', 'dev',
    'development', 'developer', 'pembangun', 'pembangunan', 'gpkilatihan', 'demo'],
  '#medium': ['token', 'softcert', 'soft_cert', 'roaming', 'roaming_id', 'kad_pintar', 'smart_card', 'smartcard', 'usb'],
  '#apply': ['mohon', 'memohon', 'apply', 'applying', 'daftar', 'mendaftar', 'register', 'registration', 'request', 'sign_up', 'signup', 'obtain'],
  '#get': ['dapatkan', 'dapat', 'get'],
  '#new': ['baru', 'new', 'pertama', 'first'],
  '#renew': ['renew', 'sambung', 'menyambung', 'lanjut', 'lanjutkan', 'melanjutkan', 'extend', 'extension', 'renewed'],
  '#expire': ['expired', 'expire', 'expiring', 'expiry', 'luput', 'tamat_tempoh', 'habis_tempoh', 'luput_tempoh', 'runs_out', 'ran_out', 'run_out',
    'hampir_tamat', 'hampir_habis', 'nak_tamat', 'nak_habis'],
  '#revoke': ['revoke', 'revocation', 'revoked', 'batalkan', 'membatalkan', 'pembatalan', 'dibatalkan', 'tarik_balik', 'nyahaktif', 'nyahaktifkan',
    'deactivate', 'terminate', 'tamatkan', 'gugurkan', 'suspend', 'matikan'],
  '#cancel': ['batal', 'cancel', 'stop', 'berhenti', 'tak_jadi', 'abort', 'quit', 'never_mind', 'nevermind', 'nvm', 'forget_it', 'lupakan',
    'tak_payah', 'skip', 'hentikan', 'sudah_lah', 'changed_my_mind', 'ubah_fikiran', 'forget'],
  '#replace': ['ganti', 'gantikan', 'menggantikan', 'penggantian', 'replace', 'replacement', 'diganti'],
  '#lost': ['hilang', 'lost', 'lose', 'missing', 'tercicir', 'cicir', 'dicuri', 'curi', 'stolen', 'kecurian', 'misplaced', 'tertinggal'],
  '#damaged': ['rosak', 'damaged', 'broken', 'patah', 'faulty', 'defective', 'pecah', 'corrupt', 'corrupted'],
  '#status': ['status', 'semak', 'check', 'cek', 'chk', 'track', 'tracking', 'progress', 'kemajuan', 'perkembangan', 'sampai_mana'],
  '#caseno': ['_case_', 'rujukan', 'reference', 'ref', 'tiket', 'ticket'],
  '#tasks': ['tugasan', 'task', 'tasks', 'todo'],
  '#pending': ['pending', 'menunggu', 'tertunggak', 'waiting'],
  '#agent': ['agent', 'human', 'orang', 'staf', 'staff', 'officer', 'operator', 'live_chat', 'real_person', 'person', 'someone', 'customer_service',
    'khidmat_pelanggan'],
  '#complaint': ['aduan', 'adu', 'mengadu', 'complain', 'complaint'],
  '#problem': ['masalah', 'problem', 'issue', 'isu', 'bermasalah'],
  '#error': ['error', 'ralat', 'gagal', 'fail', 'failed', 'failure', 'stuck', 'hang'],
  '#cannot': ['tak_boleh', 'tak_dapat', 'cannot', 'unable', 'not_working', 'does_not_work', 'do_not_work', 'tak_berfungsi', 'tak_function'],
  '#blocked': ['blocked', 'block', 'sekat', 'disekat', 'tersekat', 'locked', 'lock', 'terkunci'],
  '#onsite': ['onsite', 'on_site', 'lokasi', 'tapak', 'datang', 'visit', 'lawatan', 'melawat', 'juruteknik', 'technician', 'bersemuka',
    'face_to_face', 'in_person', 'physically', 'fizikal', 'turun_padang', 'site', 'premis', 'premises'],
  '#advice': ['nasihat', 'khidmat_nasihat', 'konsultasi', 'consultation', 'consult', 'advice', 'advise', 'advisory', 'rundingan', 'bimbingan',
    'guidance', 'taklimat', 'briefing'],
  '#session': ['sesi', 'session', 'bengkel', 'workshop'],
  '#help': ['help', 'bantuan', 'bantu', 'membantu', 'panduan', 'guide', 'what_can_you_do', 'apa_boleh_buat', 'apa_yang_boleh'],
  '#please': ['tolong'],
  '#helpdesk': ['help_desk', 'meja_bantuan'],
  '#greet': ['hi', 'hello', 'salam', 'selamat_pagi', 'selamat_petang', 'selamat_tengahari', 'selamat_tengah_hari', 'selamat_malam', 'good_morning',
    'good_afternoon', 'good_evening', 'morning', 'yo', 'apa_khabar', 'good_day'],
  '#thanks': ['terima_kasih', 'thanks', 'thank_you'],
  '#lang': ['english', 'melayu', 'bahasa', 'language', 'bahasa_melayu', 'bahasa_malaysia', 'bahasa_english', 'bahasa_inggeris'],
  '#privkey': ['kunci_persendirian', 'kunci_peribadi', 'private_key'],
  '#leaked': ['bocor', 'leaked', 'leak', 'compromised', 'terdedah', 'terjejas', 'diketahui'],
  '#retire': ['bersara', 'berhenti_kerja'],
  '#code': ['kod', 'code', 'otp', 'verifikasi', 'verification', 'pengaktifan', 'activation', 'tac'],
  '#pin': ['pin'],
  '#login': ['login', 'log_masuk', 'log_in', 'sign_in', 'signin'],
  '#download': ['muat_turun', 'download'],
  '#upload': ['muat_naik', 'upload'],
  '#govapp': ['eperolehan', '1gfmas', 'hrmis', 'mygovuc', 'espkb'],
  '#approved': ['lulus', 'diluluskan', 'approved', 'verified'],
  '#approve': ['luluskan', 'meluluskan', 'approve', 'sahkan', 'mengesahkan', 'kelulusan', 'approval', 'approvals', 'verify'],
  '#talk': ['bercakap', 'cakap', 'speak', 'talk', 'chat', 'berbual', 'berhubung', 'hubungi', 'contact', 'sambungkan', 'hubungkan'],
  '#office': ['pejabat', 'office', 'bangunan', 'building', 'jabatan_kami'],
  '#bot': ['bot', 'chatbot', 'robot'],
  '#continue': ['teruskan', 'continue', 'proceed'],
  '#noneed': ['no_longer', 'not_needed', 'not_required', 'tak_perlu', 'tak_guna'],
  '#transfer': ['pindah', 'transfer', 'bertukar'],
  '#ready': ['siap', 'ready'],
  '#ap': ['ap', 'sa'],
  '#capability': ['arahan', 'command', 'commands', 'option', 'options', 'pilihan', 'fungsi', 'function', 'functions', 'services', 'service',
    'perkhidmatan', 'features', 'ask', 'tanya'],
  '#process': ['proses', 'diproses', 'process', 'processed', 'processing'],
  '#use': ['guna', 'use', 'using', 'menggunakan'],
  '#course': ['kursus', 'course', 'peserta'],
  '#email': ['_email_'],
  '#mykad': ['_mykad_', 'mykad'],
  '#serial': ['_serial_', 'no_siri', 'serial_number', 'serial', 'siri'],
};

/** Word → its concept feature(s), space-separated (the inverse of CONCEPT_WORDS). */
export const CONCEPTS: Record<string, string> = {};
for (const [concept, words] of Object.entries(CONCEPT_WORDS)) {
  for (const w of words) CONCEPTS[w] = CONCEPTS[w] ? `${CONCEPTS[w]} ${concept}` : concept;
}

/** Words that say nothing about the intent here (pronouns, politeness, particles). */
export const STOPWORDS = new Set([
  'saya', 'nak', 'the', 'a', 'an', 'to', 'of', 'is', 'are', 'am', 'be', 'been', 'was', 'my', 'mine', 'our', 'kami', 'kita', 'we', 'it', 'its', 'di',
  'ke', 'pada', 'dari', 'daripada', 'untuk', 'for', 'dengan', 'with', 'dan', 'and', 'atau', 'or', 'yang', 'that', 'this', 'ini', 'itu', 'please',
  'lah', 'la', 'je', 'jer', 'pun', 'kah', 'ye', 'ya', 'encik', 'cik', 'tuan', 'puan', 'sir', 'madam', 'boss', 'bos', 'dr', 'hj', 'in', 'on', 'at',
  'by', 'so', 'just', 'also', 'juga', 'kat', 'punya', 'would', 'like', 'could', 'can', 'will', 'should', 'need', 'perlu', 'digital', 'you', 'your',
  'me', 'sikit', 'sekejap', 'jap', 'ok', 'okay', 'okey', 'oke', 'boleh', 'do', 'does', 'did', 'hendak', 'mahu', 'ada',
]);
