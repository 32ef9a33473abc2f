import type { msCerts } from './ms-certs.js';

/** English for ms-certs.ts: exactly its keys (the type checks it). */
export const enCerts: Record<keyof typeof msCerts, string> = {
  'menu.renewUserCert': 'Renew a user certificate',
  'menu.revokeUserCert': 'Revoke a user certificate',
  'menu.replaceUserCert': 'Replace a user certificate',
  'menu.newTrainingCert': 'Apply for a training/test certificate',
  'menu.renewTrainingCert': 'Renew a training/test certificate',
  'menu.revokeTrainingCert': 'Revoke a training/test certificate',
  'menu.replaceTrainingCert': 'Replace a training/test certificate',
  'menu.group.user': 'User digital certificates',
  'menu.group.training': 'Training or test certificates (not for production)',
  'training.label': '⚠ TRAINING/TEST: NOT FOR PRODUCTION USE and not legally binding.',
  'training.tag': '[TRAINING/TEST, NOT FOR PRODUCTION]',
  'prompt.address': 'Your office address (e.g. Level 5, Block E7, Complex E, 62590 Putrajaya)?',
  'prompt.purpose': 'Which system or test is this training certificate for (e.g. ePerolehan integration testing)?',
  'field.address': 'Office address',
  'field.purpose': 'Purpose (system/test)',
  'summary.title.user.renew': 'User digital certificate renewal summary',
  'summary.title.user.replace': 'User digital certificate replacement summary',
  'summary.title.training.new': 'Training/test certificate application summary (NOT FOR PRODUCTION)',
  'summary.title.training.renew': 'Training/test certificate renewal summary (NOT FOR PRODUCTION)',
  'summary.title.training.replace': 'Training/test certificate replacement summary (NOT FOR PRODUCTION)',
  'summary.renew': 'Renewing certificate {serial}. Details come from your previous application; you may change what a renewal allows.',
  'summary.replace': 'Replacing certificate {serial}. Details come from your previous application.',
  'submitted.renew':
    "Your renewal has been submitted. Reference: **{caseId}**. Your agency's AP will verify it; the old certificate stays valid until it expires.",
  'submitted.replace':
    'Your replacement request has been submitted. Reference: **{caseId}**. Once the AP verifies it, the old certificate is revoked and a new one issued.',
  'submitted.replace.urgent':
    "Replacement **{caseId}** received. Your old certificate is being revoked AT ONCE because the token or key may be in someone else's hands. The new certificate is issued once your AP verifies this request.",
  'submitted.onBehalf': "Request **{caseId}** was submitted on the user's behalf and verified in your name. The user has been told.",
  'submitted.training':
    "Your training/test certificate application has been submitted: **{caseId}** (NOT FOR PRODUCTION). Your agency's AP must endorse it.",
  'submitted.training.renew':
    "Training/test certificate renewal submitted: **{caseId}** (NOT FOR PRODUCTION). Your agency's AP must endorse it.",
  'submitted.training.replace':
    "Training/test certificate replacement submitted: **{caseId}** (NOT FOR PRODUCTION). Your agency's AP must endorse it.",
  'refusal.CERT_NOT_FOUND':
    'There is no certificate with serial {serial}. Check the serial, or pick from the list of your certificates in the menu.',
  'refusal.NOT_OWNER':
    'Certificate {serial} is not yours, so you cannot renew, revoke or replace it. Its holder, or their agency\'s AP, must make this request. Type "menu" to pick one of your own certificates.',
  'refusal.WRONG_REALM':
    'Certificate {serial} is not of this kind (user and training certificates are handled separately). Pick the right option in the menu.',
  'refusal.TOO_EARLY':
    'Certificate {serial} cannot be renewed yet. Renewal opens on {opensOn} (the certificate expires on {expiresOn}). I will remind you when it is time.',
  'refusal.EXPIRED':
    'Certificate {serial} expired on {expiredOn}, so it can no longer be renewed or replaced. Please make a new application: pick "Apply for a new user digital certificate" (or a training/test certificate) in the menu.',
  'refusal.REVOKED': 'Certificate {serial} has been revoked, so it cannot be renewed. Please make a new application from the menu.',
  'refusal.ALREADY_RENEWED':
    'Certificate {serial} has already been renewed (new certificate: {successor}). Type "status" to see your applications.',
  'refusal.ALREADY_REVOKED':
    'Certificate {serial} was already revoked on {at} ({reason}). Nothing more is needed; if you need a new certificate, pick a new application in the menu.',
  'refusal.ALREADY_REQUESTED': 'Certificate {serial} already has a request in progress: {caseId}. Type "status {caseId}" to check it.',
  'refusal.REASON_NOT_ALLOWED':
    'The reason "Access withdrawn by the agency" can only be given by your agency\'s AP. Pick another reason below, or ask your AP to make this revocation.',
  'refusal.NO_PREVIOUS':
    'The original application of certificate {serial} was not found, so its details cannot be pre-filled. Please make a new application from the menu.',
  'refusal.NOT_A_REPLACEMENT': 'This does not need a replacement certificate. Type "help" for guidance.',
  'refusal.other': 'This request cannot go ahead. Type "menu" to start again.',
  'reason.unspecified': 'unspecified',
  'reason.keyCompromise': 'key compromise (token lost/stolen or key disclosed)',
  'reason.affiliationChanged': 'transfer or changed details',
  'reason.superseded': 'replaced by a new certificate',
  'reason.cessationOfOperation': 'no longer needed',
  'reason.privilegeWithdrawn': 'access withdrawn by the agency',
  'reason.cACompromise': 'CA compromise',
  'reason.certificateHold': 'on hold',
  'reason.removeFromCRL': 'removed from the CRL',
  'reason.aACompromise': 'attribute authority compromise',
  'certs.title.renew': 'Pick the certificate to renew',
  'certs.title.revoke': 'Pick the certificate to revoke',
  'certs.title.replace': 'Pick the certificate to replace',
  'certs.pick.renew': 'Renew this certificate',
  'certs.pick.revoke': 'Revoke this certificate',
  'certs.pick.replace': 'Replace this certificate',
  'certs.none.renew':
    'There is no certificate to renew. If yours has expired or been revoked, please make a new application from the menu.',
  'certs.none.revoke': 'There is no valid certificate to revoke. Type "menu" for anything else.',
  'certs.none.replace':
    'There is no valid certificate to replace. If yours has expired or been revoked, please make a new application from the menu.',
  'cert.serial': 'Serial',
  'cert.medium': 'Medium',
  'cert.expires': 'Valid until',
  'cert.status': 'Status',
  'certStatus.AKTIF': 'Active',
  'certStatus.HAMPIR_LUPUT': 'Expiring soon',
  'certStatus.LUPUT': 'Expired',
  'certStatus.DIBATALKAN': 'Revoked',
  'certStatus.DIGANTI': 'Replaced',
  'prompt.certificate.renew': 'Which certificate do you want to renew? Pick from the list.',
  'prompt.certificate.revoke': 'Which certificate do you want to revoke? Pick from the list.',
  'prompt.certificate.replace': 'Which certificate do you want to replace? Pick from the list.',
  'invalid.certificate': 'Please pick a certificate from the list (or type its serial).',
  'prompt.whoFor': 'Who is this request for?',
  'whoFor.self': 'For myself',
  'whoFor.other': 'For a user of my agency',
  'prompt.holderEmail': "That user's official e-mail address?",
  'invalid.holderUnknown': 'No registered user has that e-mail address. Please check it.',
  'invalid.holderOtherAgency': 'That user is not in your agency. An AP can act only for users of their own agency.',
  'renew.start': 'OK, let us renew certificate {serial}. The details of your previous application are filled in.',
  'prompt.reason': 'What happened? (This sets the revocation reason the CA records.)',
  'revokeChoice.lostOrDisclosed': 'Token lost/stolen or key disclosed',
  'revokeChoice.changedDetails': 'Transfer / change of details',
  'revokeChoice.replaced': 'Replaced by a new certificate',
  'revokeChoice.noLongerNeeded': 'Retired / resigned / no longer needed',
  'revokeChoice.accessWithdrawn': 'Access withdrawn by the agency',
  'revoke.consequence':
    'Certificate {serial} will be revoked with reason: {reason}. A revoked certificate can no longer be used to sign or log in, and a revocation CANNOT be undone. {how}',
  'revoke.now': 'Because the key may be compromised, it is revoked at once; your AP will be informed.',
  'revoke.afterAp': "Your agency's AP must approve this revocation first.",
  'revoke.byAp': 'As an AP, your request is its approval: the CA revokes the certificate at once.',
  'prompt.confirmRevoke': 'Go ahead with the revocation?',
  'revoke.kept': 'OK, nothing was revoked. Your certificate stays valid.',
  'revoke.submitted.immediate':
    'Revocation **{caseId}** went straight to the CA. Certificate {serial} will be on the CRL shortly and you will be told. Your AP has been informed.',
  'revoke.submitted.apApproves':
    "Revocation **{caseId}** was approved in your name and sent to the CA. The certificate's holder will be told.",
  'revoke.submitted.awaitingAp':
    "Revocation request **{caseId}** went to your agency's AP for approval. Certificate {serial} stays valid until it is revoked.",
  'prompt.trigger': 'Why does this certificate need replacing?',
  'replaceAnswer.lost': 'Token/smart card or certificate file lost',
  'replaceAnswer.stolen': 'Token/smart card stolen',
  'replaceAnswer.disclosed': 'Key or file password disclosed',
  'replaceAnswer.damaged': 'Token/smart card damaged',
  'replaceAnswer.faulty': 'Token/smart card not working',
  'replaceAnswer.forgotPassword': 'Forgot the PKCS#12 file password',
  'replaceAnswer.wrongDetails': 'Wrong details on the certificate',
  'replaceAnswer.blockedToken': 'Token blocked (wrong PIN too many times)',
  'replaceAnswer.forgotPin': 'Forgot the certificate PIN',
  'replace.blockedToken':
    "A blocked token does not need replacing, it can be unblocked: (1) tell your AP; (2) the AP requests the SO PIN on the GPKI portal; (3) the token, SO PIN and form go to the SA, who unblocks it. Only the token's owner may hand it in and collect it; this cannot be delegated. Never share your PIN here.",
  'replace.forgotPin':
    'A forgotten PIN does not need a new certificate: use "Reset PIN" on the MyGPKI portal. A temporary PIN is e-mailed to your official address and must be changed. After changing the PIN, download the certificate again. Never share your PIN here.',
  'replace.consequence':
    'The old certificate {serial} will be revoked (reason: {reason}) and a new one issued after the AP verifies the request. {when}',
  'replace.revokeNow': "Because the token or key may be in someone else's hands, the old certificate is revoked AT ONCE when you submit.",
  'replace.revokeAfterAp': 'The old certificate is revoked after the AP approves, just before the new one is issued.',
  'prompt.confirmReplace': 'Go ahead with the replacement?',
  'replace.kept': 'OK, nothing was changed. Your certificate stays as it is.',
};
