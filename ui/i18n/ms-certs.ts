/** Bahasa Melayu: renewal, revocation, replacement, training certificates, reminders (merged into ms.ts). */
export const msCerts = {
  'menu.renewUserCert': 'Perbaharui sijil pengguna',
  'menu.revokeUserCert': 'Batalkan sijil pengguna',
  'menu.replaceUserCert': 'Ganti sijil pengguna',
  'menu.newTrainingCert': 'Mohon sijil latihan/ujian',
  'menu.renewTrainingCert': 'Perbaharui sijil latihan/ujian',
  'menu.revokeTrainingCert': 'Batalkan sijil latihan/ujian',
  'menu.replaceTrainingCert': 'Ganti sijil latihan/ujian',
  'menu.group.user': 'Sijil Digital Pengguna',
  'menu.group.training': 'Sijil Latihan atau Ujian (bukan untuk produksi)',
  'training.label': '⚠ LATIHAN/UJIAN: BUKAN UNTUK KEGUNAAN PRODUKSI dan tidak sah di sisi undang-undang.',
  'training.tag': '[LATIHAN/UJIAN, BUKAN UNTUK PRODUKSI]',
  'prompt.address': 'Alamat pejabat anda (contoh: Aras 5, Blok E7, Kompleks E, 62590 Putrajaya)?',
  'prompt.purpose': 'Untuk sistem atau ujian apakah sijil latihan ini (contoh: ujian integrasi ePerolehan)?',
  'field.address': 'Alamat pejabat',
  'field.purpose': 'Tujuan (sistem/ujian)',
  'summary.title.user.renew': 'Ringkasan pembaharuan Sijil Digital Pengguna',
  'summary.title.user.replace': 'Ringkasan penggantian Sijil Digital Pengguna',
  'summary.title.training.new': 'Ringkasan permohonan Sijil Latihan/Ujian (BUKAN UNTUK PRODUKSI)',
  'summary.title.training.renew': 'Ringkasan pembaharuan Sijil Latihan/Ujian (BUKAN UNTUK PRODUKSI)',
  'summary.title.training.replace': 'Ringkasan penggantian Sijil Latihan/Ujian (BUKAN UNTUK PRODUKSI)',
  'summary.renew':
    'Memperbaharui sijil {serial}. Maklumat diisi daripada permohonan terdahulu; anda boleh mengubah maklumat yang dibenarkan.',
  'summary.replace': 'Menggantikan sijil {serial}. Maklumat diisi daripada permohonan terdahulu.',
  'submitted.renew':
    'Permohonan pembaharuan anda telah dihantar. Nombor rujukan: **{caseId}**. AP agensi anda akan mengesahkannya; sijil lama kekal sah hingga tarikh luputnya.',
  'submitted.replace':
    'Permohonan penggantian anda telah dihantar. Nombor rujukan: **{caseId}**. Selepas AP mengesahkannya, sijil lama dibatalkan dan sijil baharu dikeluarkan.',
  'submitted.replace.urgent':
    'Permohonan penggantian **{caseId}** diterima. Sijil lama anda sedang dibatalkan SERTA-MERTA kerana token atau kunci mungkin berada di tangan orang lain. Sijil baharu dikeluarkan selepas AP anda mengesahkan permohonan ini.',
  'submitted.onBehalf': 'Permohonan **{caseId}** dihantar bagi pihak pengguna dan disahkan atas nama anda. Pengguna itu telah dimaklumkan.',
  'submitted.training':
    'Permohonan sijil latihan/ujian anda telah dihantar: **{caseId}** (BUKAN UNTUK PRODUKSI). AP agensi anda perlu memperakukannya.',
  'submitted.training.renew':
    'Permohonan pembaharuan sijil latihan/ujian dihantar: **{caseId}** (BUKAN UNTUK PRODUKSI). AP agensi anda perlu memperakukannya.',
  'submitted.training.replace':
    'Permohonan penggantian sijil latihan/ujian dihantar: **{caseId}** (BUKAN UNTUK PRODUKSI). AP agensi anda perlu memperakukannya.',
  'refusal.CERT_NOT_FOUND':
    'Tiada sijil dengan nombor siri {serial}. Semak nombor siri itu, atau pilih daripada senarai sijil anda dalam menu.',
  'refusal.NOT_OWNER':
    'Sijil {serial} bukan milik anda, jadi anda tidak boleh memperbaharui, membatalkan atau menggantikannya. Pemegang sijil itu, atau AP agensinya, perlu membuat permohonan ini. Taip "menu" untuk memilih sijil anda sendiri.',
  'refusal.WRONG_REALM':
    'Sijil {serial} bukan daripada jenis ini (sijil pengguna dan sijil latihan diurus berasingan). Pilih pilihan yang betul dalam menu.',
  'refusal.TOO_EARLY':
    'Sijil {serial} belum boleh diperbaharui. Tempoh pembaharuan dibuka pada {opensOn} (sijil tamat tempoh pada {expiresOn}). Saya akan mengingatkan anda apabila tiba masanya.',
  'refusal.EXPIRED':
    'Sijil {serial} telah tamat tempoh pada {expiredOn}, jadi ia tidak boleh diperbaharui atau diganti lagi. Sila buat permohonan baharu: pilih "Mohon Sijil Digital Pengguna baharu" (atau sijil latihan/ujian) dalam menu.',
  'refusal.REVOKED': 'Sijil {serial} telah dibatalkan, jadi ia tidak boleh diperbaharui. Sila buat permohonan baharu daripada menu.',
  'refusal.ALREADY_RENEWED':
    'Sijil {serial} telah pun diperbaharui (sijil baharu: {successor}). Taip "status" untuk melihat permohonan anda.',
  'refusal.ALREADY_REVOKED':
    'Sijil {serial} telah pun dibatalkan pada {at} ({reason}). Tiada tindakan lanjut diperlukan; jika anda memerlukan sijil baharu, pilih permohonan baharu dalam menu.',
  'refusal.ALREADY_REQUESTED':
    'Sijil {serial} sudah mempunyai permohonan yang sedang diproses: {caseId}. Taip "status {caseId}" untuk menyemaknya.',
  'refusal.REASON_NOT_ALLOWED':
    'Sebab "Akses ditarik balik oleh agensi" hanya boleh diberikan oleh AP agensi anda. Pilih sebab lain di bawah, atau minta AP anda membuat pembatalan ini.',
  'refusal.NO_PREVIOUS':
    'Permohonan asal sijil {serial} tidak dijumpai, jadi maklumatnya tidak dapat diisi semula. Sila buat permohonan baharu daripada menu.',
  'refusal.NOT_A_REPLACEMENT': 'Ini tidak memerlukan penggantian sijil. Taip "bantuan" untuk panduan.',
  'refusal.other': 'Permintaan ini tidak dapat diteruskan. Taip "menu" untuk bermula semula.',
  'reason.unspecified': 'tidak dinyatakan',
  'reason.keyCompromise': 'kunci terjejas (token hilang/dicuri atau kunci terdedah)',
  'reason.affiliationChanged': 'pertukaran jabatan atau maklumat berubah',
  'reason.superseded': 'diganti dengan sijil baharu',
  'reason.cessationOfOperation': 'tidak lagi diperlukan',
  'reason.privilegeWithdrawn': 'akses ditarik balik oleh agensi',
  'reason.cACompromise': 'CA terjejas',
  'reason.certificateHold': 'digantung sementara',
  'reason.removeFromCRL': 'dikeluarkan daripada CRL',
  'reason.aACompromise': 'pihak berkuasa atribut terjejas',
  'certs.title.renew': 'Pilih sijil untuk diperbaharui',
  'certs.title.revoke': 'Pilih sijil untuk dibatalkan',
  'certs.title.replace': 'Pilih sijil untuk diganti',
  'certs.pick.renew': 'Perbaharui sijil ini',
  'certs.pick.revoke': 'Batalkan sijil ini',
  'certs.pick.replace': 'Ganti sijil ini',
  'certs.none.renew':
    'Tiada sijil yang boleh diperbaharui. Jika sijil anda telah tamat tempoh atau dibatalkan, sila buat permohonan baharu daripada menu.',
  'certs.none.revoke': 'Tiada sijil sah yang boleh dibatalkan. Taip "menu" untuk perkara lain.',
  'certs.none.replace':
    'Tiada sijil sah yang boleh diganti. Jika sijil anda telah tamat tempoh atau dibatalkan, sila buat permohonan baharu daripada menu.',
  'cert.serial': 'No. siri',
  'cert.medium': 'Media',
  'cert.expires': 'Sah hingga',
  'cert.status': 'Status',
  'certStatus.AKTIF': 'Aktif',
  'certStatus.HAMPIR_LUPUT': 'Hampir luput',
  'certStatus.LUPUT': 'Luput',
  'certStatus.DIBATALKAN': 'Dibatalkan',
  'certStatus.DIGANTI': 'Diganti',
  'prompt.certificate.renew': 'Sijil mana yang hendak diperbaharui? Pilih daripada senarai.',
  'prompt.certificate.revoke': 'Sijil mana yang hendak dibatalkan? Pilih daripada senarai.',
  'prompt.certificate.replace': 'Sijil mana yang hendak diganti? Pilih daripada senarai.',
  'invalid.certificate': 'Sila pilih sijil daripada senarai (atau taip nombor sirinya).',
  'prompt.whoFor': 'Untuk siapa permohonan ini?',
  'whoFor.self': 'Untuk saya sendiri',
  'whoFor.other': 'Untuk pengguna agensi saya',
  'prompt.holderEmail': 'E-mel rasmi pengguna tersebut?',
  'invalid.holderUnknown': 'Tiada pengguna berdaftar dengan e-mel itu. Semak alamatnya.',
  'invalid.holderOtherAgency': 'Pengguna itu bukan daripada agensi anda. AP hanya boleh bertindak bagi pengguna agensinya sendiri.',
  'renew.start': 'Baik, kita perbaharui sijil {serial}. Maklumat daripada permohonan terdahulu telah diisi.',
  'prompt.reason': 'Apakah yang berlaku? (Ini menentukan sebab pembatalan yang direkodkan oleh CA.)',
  'revokeChoice.lostOrDisclosed': 'Token hilang/dicuri atau kunci terdedah',
  'revokeChoice.changedDetails': 'Pertukaran jabatan/maklumat berubah',
  'revokeChoice.replaced': 'Diganti dengan sijil baharu',
  'revokeChoice.noLongerNeeded': 'Bersara/berhenti/tidak lagi diperlukan',
  'revokeChoice.accessWithdrawn': 'Akses ditarik balik oleh agensi',
  'revoke.consequence':
    'Sijil {serial} akan dibatalkan dengan sebab: {reason}. Sijil yang dibatalkan tidak boleh digunakan lagi untuk menandatangani atau log masuk, dan pembatalan TIDAK boleh diundur. {how}',
  'revoke.now': 'Kerana kunci mungkin terjejas, pembatalan dibuat serta-merta; AP anda akan dimaklumkan.',
  'revoke.afterAp': 'AP agensi anda perlu meluluskan pembatalan ini dahulu.',
  'revoke.byAp': 'Sebagai AP, permintaan anda ialah kelulusannya: CA akan membatalkan sijil serta-merta.',
  'prompt.confirmRevoke': 'Teruskan pembatalan?',
  'revoke.kept': 'Baik, tiada apa-apa dibatalkan. Sijil anda kekal sah.',
  'revoke.submitted.immediate':
    'Pembatalan **{caseId}** dihantar terus kepada CA. Sijil {serial} akan disenaraikan dalam CRL sebentar lagi dan anda akan dimaklumkan. AP anda telah dimaklumkan.',
  'revoke.submitted.apApproves':
    'Pembatalan **{caseId}** diluluskan atas nama anda dan dihantar kepada CA. Pemegang sijil akan dimaklumkan.',
  'revoke.submitted.awaitingAp':
    'Permohonan pembatalan **{caseId}** dihantar kepada AP agensi anda untuk kelulusan. Sijil {serial} kekal sah sehingga ia dibatalkan.',
  'prompt.trigger': 'Kenapa sijil ini perlu diganti?',
  'replaceAnswer.lost': 'Token/kad pintar atau fail sijil hilang',
  'replaceAnswer.stolen': 'Token/kad pintar dicuri',
  'replaceAnswer.disclosed': 'Kunci atau kata laluan fail terdedah',
  'replaceAnswer.damaged': 'Token/kad pintar rosak',
  'replaceAnswer.faulty': 'Token/kad pintar tidak berfungsi',
  'replaceAnswer.forgotPassword': 'Terlupa kata laluan fail PKCS#12',
  'replaceAnswer.wrongDetails': 'Maklumat pada sijil salah',
  'replaceAnswer.blockedToken': 'Token disekat (PIN salah berulang kali)',
  'replaceAnswer.forgotPin': 'Terlupa PIN sijil',
  'replace.blockedToken':
    'Token yang disekat tidak perlu diganti, ia boleh dibuka semula: (1) maklumkan AP anda; (2) AP memohon SO PIN di portal GPKI; (3) token, SO PIN dan borang diserahkan kepada SA untuk membuka sekatan. Hanya pemilik token boleh menyerahkan dan mengambilnya; urusan ini tidak boleh diwakilkan. Jangan sekali-kali kongsi PIN anda di sini.',
  'replace.forgotPin':
    'PIN yang terlupa tidak memerlukan sijil baharu: gunakan "Reset PIN" di portal MyGPKI. PIN sementara akan dihantar ke e-mel rasmi anda dan mesti ditukar. Selepas PIN ditukar, muat turun sijil sekali lagi. Jangan sekali-kali kongsi PIN anda di sini.',
  'replace.consequence':
    'Sijil lama {serial} akan dibatalkan (sebab: {reason}) dan sijil baharu dikeluarkan selepas AP mengesahkan permohonan. {when}',
  'replace.revokeNow':
    'Kerana token atau kunci mungkin di tangan orang lain, sijil lama dibatalkan SERTA-MERTA sebaik sahaja anda menghantar.',
  'replace.revokeAfterAp': 'Sijil lama dibatalkan selepas AP meluluskan, sejurus sebelum sijil baharu dikeluarkan.',
  'prompt.confirmReplace': 'Teruskan penggantian?',
  'replace.kept': 'Baik, tiada apa-apa diubah. Sijil anda kekal seperti sedia ada.',
};
