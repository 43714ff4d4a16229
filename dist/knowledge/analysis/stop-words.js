/**
 * French stop words, accent-folded. Function words plus the modal verbs and question words that agents' questions
 * are full of and that carry no subject ("peut-il", "doit-on", "quelles sont").
 */
export const STOP_WORDS = new Set(`a ai aie aient aies ait as au aucun aucune aupres aussi autre autres aux avaient avais avait avant avec avez aviez
  avions avoir avons ayant ayez ayons c ca car ce ceci cela celle celles celui cependant certain certaine certaines
  certains ces cet cette ceux chacun chacune chaque chez ci combien comme comment d dans de des deja depuis donc dont
  du elle elles en encore entre es est et etaient etais etait etant ete etes etiez etions etre eu eue eues eumes eurent
  eus eusse eussent eusses eussiez eussions eut eutes eux fait faite faites faut fois furent fus fusse fussent fusses
  fussiez fussions fut futes ici il ils j je jusqu jusque l la laquelle le lequel les lesquelles lesquels leur leurs
  lorsqu lorsque lui m ma mais me meme memes mes moi mon n ne ni nos notre nous on ont or ou par parce pas peu peut
  peuvent pourra pourront pouvant pouvoir puis puisqu puisque pour pourquoi qu quand que quel quelle quelles quels
  qui quoi quoiqu quoique s sa sans se sera serai seraient serais serait seras serez seriez serions serons seront ses
  si sien sienne siennes siens soi soient sois soit sommes son sont sous soyez soyons suis sur t ta te tes toi ton
  tous tout toute toutes tu un une unes uns vers vos votre vous y doit doivent devra devront devoir devez faire
  fais font peux pouvez dois art article articles il-y-a est-ce est-il est-elle existe-t-il-y qu'est-ce c'est`
    .split(/\s+/)
    .filter(Boolean));
